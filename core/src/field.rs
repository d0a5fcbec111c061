//! `Field<T>`: an optional field that keeps missing, `null` and present apart.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Visitor};

/// An optional JSON field: absent, explicitly `null`, or present with a value.
///
/// ```
/// use lcsession_core::Field;
/// let title: Field<&str> = Field::Present("Q3 findings");
/// assert_eq!(title.present(), Some(&"Q3 findings"));
/// assert!(Field::<u8>::Null.is_null());
/// assert_eq!(Field::<u8>::default(), Field::Missing);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// The key is absent.
    #[default]
    Missing,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a value.
    Present(T),
}

impl<T> Field<T> {
    /// True when the key is absent.
    pub const fn is_missing(&self) -> bool {
        matches!(self, Field::Missing)
    }

    /// True when the key is present with `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// True when the key is present with a non-null value.
    pub const fn is_present(&self) -> bool {
        matches!(self, Field::Present(_))
    }

    /// The value, when present.
    pub const fn present(&self) -> Option<&T> {
        match self {
            Field::Present(v) => Some(v),
            _ => None,
        }
    }

    /// The value, when present, by value.
    pub fn into_present(self) -> Option<T> {
        match self {
            Field::Present(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the value.
    pub const fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Missing => Field::Missing,
            Field::Null => Field::Null,
            Field::Present(v) => Field::Present(v),
        }
    }

    /// Maps the present value, keeping missing and null as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Missing => Field::Missing,
            Field::Null => Field::Null,
            Field::Present(v) => Field::Present(f(v)),
        }
    }
}

/// With `#[serde(default)]` on the containing field, an absent key decodes as
/// [`Field::Missing`], `null` as [`Field::Null`] and anything else as [`Field::Present`].
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
            type Value = Field<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }

            fn visit_none<E>(self) -> Result<Field<T>, E> {
                Ok(Field::Null)
            }

            fn visit_unit<E>(self) -> Result<Field<T>, E> {
                Ok(Field::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Field<T>, D::Error> {
                T::deserialize(d).map(Field::Present)
            }
        }

        deserializer.deserialize_option(FieldVisitor(PhantomData))
    }
}
