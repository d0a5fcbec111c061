/*
 * lcsession.hpp: header-only C++17 wrapper over lcsession.h.
 *
 * - RAII: lcs::session owns its lcs_session; ranges own their cursors.
 * - Text as std::string_view (header fields) or lcs::json_string (document strings, which
 *   may contain escapes: .str() decodes, operator<< streams without a buffer).
 * - Range-for over events, object members, array items and unknown fields.
 * - Errors as exceptions: lcs::error carries the lcs_result code, the message and, for
 *   parse errors, the byte offset, line, column, event and field; lcs::client_error
 *   (derived from it) adds the HTTP status, x-request-id, attempts and error body of a
 *   failed HTTP call.
 * - lcs::client fetches sessions over HTTP (lcs_client_*); lcs::body owns the bytes it
 *   returns, and body.parse() gives an lcs::session that borrows them.
 *
 * Lifetimes are those of the C API: a session BORROWS the bytes it was parsed from (keep
 * them alive and unmodified while the session lives; for body.parse(), keep the body alive);
 * header string_views die with the session; json_string and value views, and events, live
 * as long as the bytes.
 * Thread-safety: a const session may be shared between threads; ranges and iterators are
 * used by one thread at a time. A const client may retrieve from many threads at once; its
 * setters need exclusive access.
 */
#ifndef LCSESSION_HPP
#define LCSESSION_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lcsession.h"

namespace lcs {

/// A failed lcsession call: the lcs_result code, a message and, for parse errors, where.
class error : public std::runtime_error {
 public:
  explicit error(std::uint32_t code)
      : std::runtime_error(lcs_result_message(code)), code_(code) {}

  /// A parse failure, with its position.
  explicit error(const lcs_parse_error &e) : error(e.code, e.message, &e) {}

  /// The lcs_result code (LCS_MISSING_FIELD, LCS_SYNTAX_UNEXPECTED_END, ...).
  std::uint32_t code() const noexcept { return code_; }
  /// Byte offset of the problem in the input (parse errors only, else 0).
  std::size_t offset() const noexcept { return offset_; }
  /// 1-based line of the problem (parse errors only, else 0).
  std::size_t line() const noexcept { return line_; }
  /// 1-based column, in characters (parse errors only, else 0).
  std::size_t column() const noexcept { return column_; }
  /// True for parse errors, which carry offset, line and column.
  bool has_position() const noexcept { return has_position_; }
  /// Zero-based index of the event the error is in: a schema error's event, or the event
  /// object a syntax error was found inside. Empty in the header, between events, and for
  /// errors without a position.
  std::optional<std::size_t> event() const noexcept { return event_; }
  /// The field at fault as a dotted path ("call_id", "job_metadata.turns"); empty for syntax
  /// errors and errors without a position. Static storage: valid for the program's life.
  std::string_view field() const noexcept { return field_; }
  /// True for JSON syntax errors (1xx).
  bool is_syntax() const noexcept { return lcs_result_is_syntax_error(code_); }
  /// True for session schema errors (2xx).
  bool is_schema() const noexcept { return lcs_result_is_schema_error(code_); }
  /// True for HTTP client errors (3xx; the exception is then an lcs::client_error).
  bool is_client() const noexcept { return lcs_result_is_client_error(code_); }

 protected:
  /// An error with an explicit message and, when `position` is given, its position.
  error(std::uint32_t code, const std::string &message, const lcs_parse_error *position)
      : std::runtime_error(message), code_(code) {
    if (position != nullptr) {
      offset_ = position->offset;
      line_ = position->line;
      column_ = position->column;
      has_position_ = true;
      if (position->has_event) event_ = position->event;
      field_ = std::string_view(position->field.data, position->field.len);
    }
  }

 private:
  std::uint32_t code_;
  std::size_t offset_ = 0;
  std::size_t line_ = 0;
  std::size_t column_ = 0;
  bool has_position_ = false;
  std::optional<std::size_t> event_;
  std::string_view field_;
};

namespace detail {
inline void check(std::uint32_t r) {
  if (r != LCS_OK) throw error(r);
}
inline std::string_view view(lcs_str s) { return {s.data, s.len}; }
/// Text for a (const char *, size_t) argument: never NULL, even for an empty string_view.
inline const char *text(std::string_view s) noexcept { return s.data() ? s.data() : ""; }
/// An optional text argument: NULL (omitted) or its bytes.
inline const char *text(const std::optional<std::string_view> &s) noexcept {
  return s ? text(*s) : nullptr;
}
/// The length of an optional text argument (0 when omitted).
inline std::size_t size(const std::optional<std::string_view> &s) noexcept {
  return s ? s->size() : 0;
}
/// An end marker for the single-pass ranges below (a std::sentinel_for their iterators).
struct end_sentinel {};
}  // namespace detail

/// Whether an optional field was absent, explicitly null, or present.
enum class presence : std::uint32_t {
  missing = LCS_PRESENCE_MISSING,
  null = LCS_PRESENCE_NULL,
  present = LCS_PRESENCE_PRESENT,
};

/// An optional field that keeps "absent" and "null" apart.
template <class T>
struct field {
  lcs::presence presence = lcs::presence::missing;
  T value{};

  bool is_missing() const noexcept { return presence == lcs::presence::missing; }
  bool is_null() const noexcept { return presence == lcs::presence::null; }
  bool is_present() const noexcept { return presence == lcs::presence::present; }
  explicit operator bool() const noexcept { return is_present(); }
  /// The value; throws lcs::error(LCS_WRONG_KIND) unless present.
  const T &operator*() const {
    if (!is_present()) throw error(LCS_WRONG_KIND);
    return value;
  }
  const T *operator->() const { return &**this; }
};

/// A JSON string as written in the document (escapes and all).
class json_string {
 public:
  json_string() : s_{"", 0, false} {}
  explicit json_string(lcs_jstr s) : s_(s) {}

  /// The text as written between the quotes (equal to the text unless has_escapes()).
  std::string_view raw() const noexcept { return {s_.data, s_.len}; }
  /// True when the text contains escape sequences.
  bool has_escapes() const noexcept { return s_.escaped; }
  /// Length in bytes of the decoded text.
  std::size_t decoded_size() const {
    std::size_t n = 0;
    detail::check(lcs_jstr_decoded_len(&s_, &n));
    return n;
  }
  /// The decoded text, always a copy (raw() is the borrowed, undecoded view).
  std::string str() const {
    if (!s_.escaped) return std::string(raw());
    std::string out(decoded_size(), '\0');
    std::size_t n = 0;
    detail::check(lcs_jstr_unescape(&s_, out.data(), out.size(), &n));
    out.resize(n);
    return out;
  }
  /// Calls f(std::string_view) with each decoded piece, in order (no allocation).
  template <class F>
  void for_each_chunk(F &&f) const {
    lcs_jstr_iter it;
    lcs_str chunk;
    detail::check(lcs_jstr_chunks(&s_, &it));
    std::uint32_t r;
    while ((r = lcs_jstr_chunk_next(&it, &chunk)) == LCS_OK) f(detail::view(chunk));
    if (r != LCS_END) throw error(r);
  }
  /// Compares the decoded text with `text`. Throws lcs::error(LCS_INVALID_ARGUMENT) for a
  /// malformed escape, or when `text` is not UTF-8 (lcs_jstr_equals).
  bool operator==(std::string_view text) const {
    bool eq = false;
    detail::check(lcs_jstr_equals(&s_, text.data(), text.size(), &eq));
    return eq;
  }
  bool operator!=(std::string_view text) const { return !(*this == text); }
  const lcs_jstr &c_str_view() const noexcept { return s_; }

  /// Streams the decoded text.
  friend std::ostream &operator<<(std::ostream &os, const json_string &s) {
    s.for_each_chunk([&os](std::string_view piece) { os << piece; });
    return os;
  }

 private:
  lcs_jstr s_;
};

class value;

/// Iterates (key, value) members of an object, or items of an array.
template <class Item>
class value_range {
 public:
  class iterator {
   public:
    using value_type = Item;
    using difference_type = std::ptrdiff_t;
    using reference = const Item &;
    using pointer = const Item *;
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::input_iterator_tag;

    /// An exhausted iterator (equal to the end).
    iterator() noexcept : it_{}, done_(true) {}
    explicit iterator(lcs_value_iter it) : it_(it) { advance(); }
    const Item &operator*() const { return item_; }
    const Item *operator->() const { return &item_; }
    iterator &operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    // Both argument orders, as hidden friends: std::sentinel_for in C++20, and `end == it`
    // in C++17 too. (In C++20 the explicit order beats the rewritten one: no ambiguity.)
    friend bool operator==(const iterator &it, detail::end_sentinel) noexcept { return it.done_; }
    friend bool operator==(detail::end_sentinel, const iterator &it) noexcept { return it.done_; }
    friend bool operator!=(const iterator &it, detail::end_sentinel) noexcept { return !it.done_; }
    friend bool operator!=(detail::end_sentinel, const iterator &it) noexcept { return !it.done_; }

   private:
    void advance() {
      lcs_value v;
      std::uint32_t r;
      if constexpr (std::is_same_v<Item, value>) {
        r = lcs_value_item_next(&it_, &v);
        if (r == LCS_OK) item_ = Item(v);
      } else {
        lcs_jstr key;
        r = lcs_value_member_next(&it_, &key, &v);
        if (r == LCS_OK) item_ = Item(json_string(key), typename Item::second_type(v));
      }
      if (r == LCS_END) {
        done_ = true;
        return;
      }
      detail::check(r);
    }
    lcs_value_iter it_;
    Item item_{};
    bool done_ = false;
  };

  explicit value_range(lcs_value_iter it) : it_(it) {}
  iterator begin() const { return iterator(it_); }
  detail::end_sentinel end() const { return {}; }

 private:
  lcs_value_iter it_;
};

/// The JSON type of a value.
enum class kind : std::uint32_t {
  none = LCS_VALUE_NONE,
  null = LCS_VALUE_NULL,
  boolean = LCS_VALUE_BOOL,
  number = LCS_VALUE_NUMBER,
  string = LCS_VALUE_STRING,
  array = LCS_VALUE_ARRAY,
  object = LCS_VALUE_OBJECT,
};

/// Any JSON value of the document, as written; walk it without allocating.
class value {
 public:
  value() : v_{"", 0, LCS_VALUE_NONE} {}
  explicit value(lcs_value v) : v_(v) {}

  lcs::kind kind() const noexcept { return static_cast<lcs::kind>(v_.kind); }
  bool is_none() const noexcept { return kind() == lcs::kind::none; }
  bool is_null() const noexcept { return kind() == lcs::kind::null; }
  bool is_object() const noexcept { return kind() == lcs::kind::object; }
  bool is_array() const noexcept { return kind() == lcs::kind::array; }
  /// The JSON text exactly as written.
  std::string_view raw() const noexcept { return {v_.data, v_.len}; }

  bool as_bool() const {
    bool b = false;
    detail::check(lcs_value_as_bool(&v_, &b));
    return b;
  }
  std::uint64_t as_u64() const {
    std::uint64_t n = 0;
    detail::check(lcs_value_as_u64(&v_, &n));
    return n;
  }
  std::int64_t as_i64() const {
    std::int64_t n = 0;
    detail::check(lcs_value_as_i64(&v_, &n));
    return n;
  }
  double as_f64() const {
    double d = 0;
    detail::check(lcs_value_as_f64(&v_, &d));
    return d;
  }
  json_string as_string() const {
    lcs_jstr s;
    detail::check(lcs_value_as_str(&v_, &s));
    return json_string(s);
  }
  /// A number's text as written (e.g. "1.5e3").
  std::string_view number_text() const {
    lcs_str s;
    detail::check(lcs_value_number_text(&v_, &s));
    return detail::view(s);
  }
  /// Number of members (object) or items (array).
  std::size_t size() const {
    std::size_t n = 0;
    detail::check(lcs_value_count(&v_, &n));
    return n;
  }
  /// The first member named `key`, if this object has one.
  std::optional<value> get(std::string_view key) const {
    lcs_value out;
    std::uint32_t r = lcs_value_get(&v_, key.data(), key.size(), &out);
    if (r == LCS_NOT_FOUND) return std::nullopt;
    detail::check(r);
    return value(out);
  }
  /// The member named `key`; throws lcs::error(LCS_NOT_FOUND) when absent.
  value operator[](std::string_view key) const {
    std::optional<value> v = get(key);
    if (!v) throw error(LCS_NOT_FOUND);
    return *v;
  }
  /// The members of an object, as (key, value) pairs in input order.
  value_range<std::pair<json_string, value>> members() const {
    lcs_value_iter it;
    detail::check(lcs_value_members(&v_, &it));
    return value_range<std::pair<json_string, value>>(it);
  }
  /// The items of an array, in order.
  value_range<value> items() const {
    lcs_value_iter it;
    detail::check(lcs_value_items(&v_, &it));
    return value_range<value>(it);
  }
  /// Every value inside this one, depth first, in a single pass (see token_range).
  class token_range tokens() const;
  /// The same tokens as tokens(), handed to `visit(const lcs::token &)` in one library call
  /// (lcs_value_walk): faster for whole values. `visit` may return bool (false stops the
  /// walk) or void. An exception from `visit` stops the walk and is rethrown.
  template <class F>
  void walk(F &&visit) const;
  const lcs_value &c_value() const noexcept { return v_; }

 private:
  lcs_value v_;
};

/// One token of a depth-first walk (see value::tokens()).
struct token {
  lcs_token_kind kind;
  /// 0 for the walked value, d + 1 inside a container at depth d.
  std::uint32_t depth;
  /// The member key, when the token is an object member's value.
  std::optional<json_string> key;
  /// Scalars: the value; BEGIN/END tokens: the bracket.
  lcs::value value;

  /// The token a C lcs_token describes (its views are borrowed, not copied).
  static token from_c(const lcs_token &t) {
    return token{t.kind, t.depth,
                 t.has_key ? std::optional<json_string>(json_string(t.key)) : std::nullopt,
                 lcs::value(t.value)};
  }
};

/// A single pass over every value inside a value: each byte is read once, whatever the
/// nesting, so this is the cheapest full walk. Use it in a range-for.
class token_range {
 public:
  class iterator {
   public:
    using value_type = token;
    using difference_type = std::ptrdiff_t;
    using reference = const token &;
    using pointer = const token *;
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::input_iterator_tag;

    /// An exhausted iterator (equal to the end).
    iterator() noexcept : it_{}, done_(true) {}
    explicit iterator(lcs_token_iter it) : it_(it) { advance(); }
    const token &operator*() const { return current_; }
    const token *operator->() const { return &current_; }
    iterator &operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    // Both argument orders, as hidden friends: std::sentinel_for in C++20, and `end == it`
    // in C++17 too. (In C++20 the explicit order beats the rewritten one: no ambiguity.)
    friend bool operator==(const iterator &it, detail::end_sentinel) noexcept { return it.done_; }
    friend bool operator==(detail::end_sentinel, const iterator &it) noexcept { return it.done_; }
    friend bool operator!=(const iterator &it, detail::end_sentinel) noexcept { return !it.done_; }
    friend bool operator!=(detail::end_sentinel, const iterator &it) noexcept { return !it.done_; }

   private:
    void advance() {
      lcs_token t;
      std::uint32_t r = lcs_token_next(&it_, &t);
      if (r == LCS_END) {
        done_ = true;
        return;
      }
      detail::check(r);
      current_ = token::from_c(t);
    }
    lcs_token_iter it_;
    token current_{};
    bool done_ = false;
  };

  explicit token_range(lcs_token_iter it) : it_(it) {}
  iterator begin() const { return iterator(it_); }
  detail::end_sentinel end() const { return {}; }

 private:
  lcs_token_iter it_;
};

inline token_range value::tokens() const {
  lcs_token_iter it;
  detail::check(lcs_value_tokens(&v_, &it));
  return token_range(it);
}

template <class F>
void value::walk(F &&visit) const {
  struct state {
    std::remove_reference_t<F> *visit;
    std::exception_ptr error;
  } st{&visit, nullptr};
  lcs_token_visitor trampoline = [](void *user, const lcs_token *t) -> bool {
    state *self = static_cast<state *>(user);
    const token tok = token::from_c(*t);
    try {
      if constexpr (std::is_void_v<decltype((*self->visit)(tok))>) {
        (*self->visit)(tok);
        return true;
      } else {
        return static_cast<bool>((*self->visit)(tok));
      }
    } catch (...) {
      self->error = std::current_exception();
      return false;
    }
  };
  std::uint32_t r = lcs_value_walk(&v_, trampoline, &st);
  if (st.error) std::rethrow_exception(st.error);
  detail::check(r);
}

/// The type of an event.
enum class event_type : std::uint32_t {
  thinking_delta = LCS_EVENT_THINKING_DELTA,
  text_delta = LCS_EVENT_TEXT_DELTA,
  thinking = LCS_EVENT_THINKING,
  text = LCS_EVENT_TEXT,
  user_input = LCS_EVENT_USER_INPUT,
  tool_call = LCS_EVENT_TOOL_CALL,
  tool_result = LCS_EVENT_TOOL_RESULT,
  stop = LCS_EVENT_STOP,
  unknown = LCS_EVENT_UNKNOWN,
  untyped = LCS_EVENT_UNTYPED,
};

/// Token usage of a turn (stop events).
struct usage {
  field<double> duration_ms;
  field<std::uint64_t> total_input_tokens;
  field<std::uint64_t> total_output_tokens;
  field<std::uint64_t> turns;
  value raw;
};

/// One event. Its views point into the parsed bytes (not into the cursor).
class event {
 public:
  /// An empty event: every field as the C API leaves the fields an event type does not use
  /// (empty strings, LCS_VALUE_NONE values, LCS_PRESENCE_MISSING), raw() included; its type
  /// is 0, which is no event type (type_str() says "invalid event type").
  event() noexcept : e_(empty()) {}
  explicit event(const lcs_event &e) : e_(e) {}

  lcs::event_type type() const noexcept { return static_cast<event_type>(e_.type); }
  /// "text_delta", ...; "unknown" / "untyped" for those two.
  std::string_view type_str() const noexcept { return lcs_event_type_name(e_.type); }
  std::size_t index() const noexcept { return e_.index; }
  /// True when the type was inferred from the fields of an object without "type".
  bool inferred() const noexcept { return e_.inferred; }
  /// The tag: the wire name, or the unknown type's name as sent.
  json_string type_name() const noexcept { return json_string(e_.type_name); }
  /// Text of thinking_delta, text_delta, thinking, text and user_input.
  json_string content() const noexcept { return json_string(e_.content); }
  json_string call_id() const noexcept { return json_string(e_.call_id); }
  json_string name() const noexcept { return json_string(e_.name); }
  value arguments() const noexcept { return value(e_.arguments); }
  value result() const noexcept { return value(e_.result); }
  lcs::presence image_attachment() const noexcept {
    return static_cast<lcs::presence>(e_.image_attachment);
  }
  json_string attachment_name() const noexcept { return json_string(e_.attachment_name); }
  json_string source_id() const noexcept { return json_string(e_.source_id); }
  /// Stop: the error message (null when the turn had none).
  field<json_string> error() const {
    return {static_cast<lcs::presence>(e_.error), json_string(e_.error_message)};
  }
  bool is_error() const noexcept { return e_.is_error; }
  lcs::usage usage() const {
    auto u64 = [](lcs_opt_u64 o) {
      return field<std::uint64_t>{static_cast<lcs::presence>(o.presence), o.value};
    };
    return {{static_cast<lcs::presence>(e_.usage.duration_ms.presence), e_.usage.duration_ms.value},
            u64(e_.usage.total_input_tokens),
            u64(e_.usage.total_output_tokens),
            u64(e_.usage.turns),
            value(e_.usage.raw)};
  }
  field<value> skipped_index_ids() const {
    return {static_cast<lcs::presence>(e_.skipped_index_ids), value(e_.skipped_index_ids_value)};
  }
  /// The whole event object as written.
  value raw() const noexcept { return value(e_.raw); }
  const lcs_event &c_event() const noexcept { return e_; }

 private:
  static lcs_event empty() noexcept {
    const lcs_jstr no_text{"", 0, false};
    const lcs_value no_value{"", 0, LCS_VALUE_NONE};
    lcs_event e{};
    e.type_name = e.content = e.call_id = e.name = no_text;
    e.attachment_name = e.source_id = e.error_message = no_text;
    e.arguments = e.result = e.skipped_index_ids_value = e.raw = no_value;
    e.usage.raw = no_value;
    return e;
  }
  lcs_event e_;
};

/// A single pass over a session's events; owns its cursor. Use it in a range-for.
class event_range {
 public:
  class iterator {
   public:
    using value_type = event;
    using difference_type = std::ptrdiff_t;
    using reference = const event &;
    using pointer = const event *;
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::input_iterator_tag;

    /// An exhausted iterator (equal to the end).
    iterator() noexcept : cursor_(nullptr), done_(true) {}
    explicit iterator(lcs_events *cursor) : cursor_(cursor) { advance(); }
    const event &operator*() const { return current_; }
    const event *operator->() const { return &current_; }
    iterator &operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    // Both argument orders, as hidden friends: std::sentinel_for in C++20, and `end == it`
    // in C++17 too. (In C++20 the explicit order beats the rewritten one: no ambiguity.)
    friend bool operator==(const iterator &it, detail::end_sentinel) noexcept { return it.done_; }
    friend bool operator==(detail::end_sentinel, const iterator &it) noexcept { return it.done_; }
    friend bool operator!=(const iterator &it, detail::end_sentinel) noexcept { return !it.done_; }
    friend bool operator!=(detail::end_sentinel, const iterator &it) noexcept { return !it.done_; }

   private:
    void advance() {
      lcs_event e;
      std::uint32_t r = lcs_events_next(cursor_, &e);
      if (r == LCS_END) {
        done_ = true;
        return;
      }
      detail::check(r);
      current_ = event(e);
    }
    lcs_events *cursor_;
    event current_;
    bool done_ = false;
  };

  explicit event_range(const lcs_session *s) {
    lcs_events *cursor = nullptr;
    detail::check(lcs_events_new(s, &cursor));
    cursor_.reset(cursor);
  }
  /// Starts the pass (call once).
  iterator begin() { return iterator(cursor_.get()); }
  detail::end_sentinel end() const { return {}; }
  /// Events not yet returned.
  std::size_t remaining() const {
    std::size_t n = 0;
    detail::check(lcs_events_remaining(cursor_.get(), &n));
    return n;
  }

 private:
  struct deleter {
    void operator()(lcs_events *c) const noexcept { lcs_events_free(c); }
  };
  std::unique_ptr<lcs_events, deleter> cursor_;
};

/// The job_metadata object of the header.
struct job_metadata {
  field<double> duration_ms;
  field<std::string_view> error;
  field<std::vector<std::string_view>> export_config_ids;
  field<bool> is_error;
  field<std::uint64_t> total_input_tokens;
  field<std::uint64_t> total_output_tokens;
  field<std::uint64_t> turns;
};

namespace detail {
/// A C event visitor calling `visit(const lcs::event &)`; the first exception `visit` throws
/// is kept (later events are skipped) for the caller to rethrow after the C call.
template <class F>
struct event_visit {
  std::remove_reference_t<F> *visit;
  std::exception_ptr error;
  static void call(void *user, const lcs_event *e) {
    event_visit *st = static_cast<event_visit *>(user);
    if (st->error) return;
    try {
      (*st->visit)(lcs::event(*e));
    } catch (...) {
      st->error = std::current_exception();
    }
  }
};
}  // namespace detail

class body;

/// A parsed, validated session. Owns the lcs_session; borrows the parsed bytes.
class session {
 public:
  /// Parses `len` bytes at `data` without copying them: keep them alive and unmodified
  /// while the session lives. Throws lcs::error (with offset, line, column) when invalid.
  /// `max_depth` 0 means the default nesting limit (128).
  static session parse(const void *data, std::size_t len, std::uint32_t max_depth = 0) {
    lcs_session *s = nullptr;
    lcs_parse_error e;
    std::uint32_t r = lcs_session_parse_with_max_depth(bytes(data, len), len, max_depth, &s, &e);
    return finish(r, s, e);
  }
  /// One pass: parses like parse() and calls `visit(const lcs::event &)` with each event as
  /// soon as it is validated (lcs_session_parse_visiting), instead of decoding events again
  /// in a later events() pass. If `visit` throws, later events are not visited and the
  /// exception is rethrown once the parse is over. On invalid input `visit` may already
  /// have seen the events before the error.
  template <class F>
  static session parse_visiting(const void *data, std::size_t len, F &&visit,
                                std::uint32_t max_depth = 0) {
    detail::event_visit<F> st{&visit, nullptr};
    lcs_session *s = nullptr;
    lcs_parse_error e;
    std::uint32_t r = lcs_session_parse_visiting(bytes(data, len), len, max_depth,
                                                 detail::event_visit<F>::call,
                                                 &st, &s, &e);
    if (st.error) {
      if (r == LCS_OK) lcs_session_free(s);
      std::rethrow_exception(st.error);
    }
    return finish(r, s, e);
  }
  /// Parses the bytes `text` refers to (they are borrowed, not copied).
  static session parse(std::string_view text) { return parse(text.data(), text.size()); }
  /// Parses the NUL-terminated `text` (borrowed, not copied; the NUL is not parsed), e.g. a
  /// string literal. Throws lcs::error(LCS_NULL_ARGUMENT) for NULL.
  static session parse(const char *text) {
    if (text == nullptr) throw error(LCS_NULL_ARGUMENT);
    return parse(std::string_view(text));
  }
  /// Refused: the temporary string (const or not) would die before the session.
  static session parse(const std::string &&) = delete;

  session(session &&) noexcept = default;
  session &operator=(session &&) noexcept = default;

  // The header accessors and events() return views into this session (events(): a cursor
  // over it), so they exist for lvalues only; on a temporary they are refused (`= delete`
  // on `const &&`), since the views would dangle at the end of the statement. raw(),
  // unknown_fields() and event_count() point into the parsed bytes (or are numbers) and
  // work on temporaries too.

  std::string_view id() const & { return text(lcs_session_id); }
  std::string_view id() const && = delete;
  std::string_view last_updated_at() const & { return text(lcs_session_last_updated_at); }
  std::string_view last_updated_at() const && = delete;
  field<std::string_view> generated_title() const & {
    lcs_presence p = LCS_PRESENCE_MISSING;
    lcs_str s{"", 0};
    detail::check(lcs_session_generated_title(get(), &p, &s));
    return {to_presence(p), detail::view(s)};
  }
  field<std::string_view> generated_title() const && = delete;
  field<std::vector<std::string_view>> index_ids() const & {
    return list(lcs_session_index_ids, lcs_session_index_id);
  }
  field<std::vector<std::string_view>> index_ids() const && = delete;
  /// job_metadata; its members are missing when the object is missing or null.
  field<lcs::job_metadata> job_metadata() const & {
    lcs_presence p = LCS_PRESENCE_MISSING;
    detail::check(lcs_session_job_metadata(get(), &p));
    field<lcs::job_metadata> f;
    f.presence = to_presence(p);
    lcs::job_metadata &j = f.value;
    j.duration_ms = scalar<double>(lcs_session_job_duration_ms);
    lcs_str s{"", 0};
    detail::check(lcs_session_job_error(get(), &p, &s));
    j.error = {to_presence(p), detail::view(s)};
    j.export_config_ids = list(lcs_session_job_export_config_ids, lcs_session_job_export_config_id);
    j.is_error = scalar<bool>(lcs_session_job_is_error);
    j.total_input_tokens = scalar<std::uint64_t>(lcs_session_job_total_input_tokens);
    j.total_output_tokens = scalar<std::uint64_t>(lcs_session_job_total_output_tokens);
    j.turns = scalar<std::uint64_t>(lcs_session_job_turns);
    return f;
  }
  field<lcs::job_metadata> job_metadata() const && = delete;
  /// shared_access as sent ("query", "read_only", or a newer value).
  field<std::string_view> shared_access() const & {
    lcs_presence p = LCS_PRESENCE_MISSING;
    lcs_shared_access mode;
    lcs_str s{"", 0};
    detail::check(lcs_session_shared_access(get(), &p, &mode, &s));
    return {to_presence(p), detail::view(s)};
  }
  field<std::string_view> shared_access() const && = delete;

  std::size_t event_count() const {
    std::size_t n = 0;
    detail::check(lcs_session_event_count(get(), &n));
    return n;
  }
  /// A new single pass over the events: `for (const lcs::event &e : s.events())`. The range
  /// (its cursor) must not outlive this session; the events themselves point into the bytes.
  event_range events() const & { return event_range(get()); }
  event_range events() const && = delete;
  /// Top-level fields this library does not decode, as (key, value) pairs.
  value_range<std::pair<json_string, value>> unknown_fields() const {
    lcs_value_iter it;
    detail::check(lcs_session_unknown_fields(get(), &it));
    return value_range<std::pair<json_string, value>>(it);
  }
  /// The whole session object as written.
  value raw() const {
    lcs_value v;
    detail::check(lcs_session_raw(get(), &v));
    return value(v);
  }
  const lcs_session *get() const noexcept { return s_.get(); }

 private:
  friend class body;
  friend class client;
  explicit session(lcs_session *s) : s_(s) {}

  // An empty std::string_view or std::vector may have a null data(): parse "" instead.
  static const std::uint8_t *bytes(const void *data, std::size_t len) {
    static const std::uint8_t empty[1] = {0};
    if (data == nullptr && len == 0) return empty;
    return static_cast<const std::uint8_t *>(data);
  }

  static session finish(std::uint32_t r, lcs_session *s, const lcs_parse_error &e) {
    if (r != LCS_OK) {
      if (lcs_result_is_syntax_error(r) || lcs_result_is_schema_error(r)) throw error(e);
      throw error(r);
    }
    return session(s);
  }

  static lcs::presence to_presence(lcs_presence p) noexcept {
    return static_cast<lcs::presence>(p);
  }

  template <class T>
  field<T> scalar(lcs_result (*accessor)(const lcs_session *, lcs_presence *, T *)) const {
    lcs_presence p = LCS_PRESENCE_MISSING;
    T v{};
    detail::check(accessor(get(), &p, &v));
    return {to_presence(p), v};
  }

  std::string_view text(lcs_result (*accessor)(const lcs_session *, lcs_str *)) const {
    lcs_str s;
    detail::check(accessor(get(), &s));
    return detail::view(s);
  }

  field<std::vector<std::string_view>> list(
      lcs_result (*count)(const lcs_session *, lcs_presence *, std::size_t *),
      lcs_result (*at)(const lcs_session *, std::size_t, lcs_str *)) const {
    field<std::vector<std::string_view>> f;
    lcs_presence p = LCS_PRESENCE_MISSING;
    std::size_t n = 0;
    detail::check(count(get(), &p, &n));
    f.presence = to_presence(p);
    if (f.is_present()) {
      f.value.reserve(n);
      for (std::size_t i = 0; i < n; i++) {
        lcs_str s;
        detail::check(at(get(), i, &s));
        f.value.push_back(detail::view(s));
      }
    }
    return f;
  }

  struct deleter {
    void operator()(lcs_session *s) const noexcept { lcs_session_free(s); }
  };
  std::unique_ptr<lcs_session, deleter> s_;
};

/// A failed HTTP client call (lcs_client_*, lcs_body_*): code() is 300-399 and what() the
/// one-line message, `GET "<url>": 404 Not Found (request id req_1)`. For an invalid body
/// (LCS_CLIENT_INVALID_BODY) offset(), line() and column() say where the decoder stopped.
/// It never contains the API key. The same calls throw a plain lcs::error for a bad argument
/// (LCS_NULL_ARGUMENT, LCS_INVALID_ARGUMENT: text that is not UTF-8, an empty path), found
/// before any request: catch lcs::error to handle both.
class client_error : public error {
 public:
  /// Copies the details of `e` (which the caller still owns and frees).
  explicit client_error(const lcs_client_error &e) : client_error(info(e)) {}

  /// The HTTP status, or 0 when no response arrived.
  std::uint16_t status() const noexcept { return status_; }
  /// The x-request-id response header, when the server sent one.
  const std::optional<std::string> &request_id() const noexcept { return request_id_; }
  /// How many HTTP attempts the failed call made (0 when it failed before any request, and
  /// for body::parse(), which makes none).
  std::uint32_t attempts() const noexcept { return attempts_; }
  /// A stable name of the kind: "not_found", "timeout", "invalid_body", ...
  const std::string &kind() const noexcept { return kind_; }
  /// The message without the request and the request id: "404 Not Found".
  const std::string &reason() const noexcept { return reason_; }
  /// The request, `GET "<url>"`, or empty when none was made.
  const std::string &request() const noexcept { return request_; }
  /// The error body (or the beginning of an invalid session body), at most 8 KiB.
  const std::optional<std::string> &body() const noexcept { return body_; }
  /// True when body() holds only the beginning of a longer body.
  bool body_truncated() const noexcept { return body_truncated_; }
  /// For LCS_CLIENT_INVALID_BODY: the decoder's code (1xx/2xx), else 0.
  std::uint32_t decode_code() const noexcept { return decode_code_; }

  /// Throws the error of a failed call that returned `r` and, for 3xx codes, filled `e`
  /// (which is freed here); any other code throws lcs::error.
  [[noreturn]] static void raise(std::uint32_t r, lcs_client_error *e) {
    if (e == nullptr) throw error(r);
    std::unique_ptr<lcs_client_error, deleter> owned(e);
    throw client_error(*owned);
  }

 private:
  struct deleter {
    void operator()(lcs_client_error *e) const noexcept { lcs_client_error_free(e); }
  };
  static lcs_client_error_info info(const lcs_client_error &e) {
    lcs_client_error_info i;
    std::uint32_t r = lcs_client_error_details(&e, &i);
    if (r != LCS_OK) throw error(r);
    return i;
  }
  explicit client_error(const lcs_client_error_info &i)
      : error(i.code, std::string(detail::view(i.message)),
              i.has_decode_error ? &i.decode_error : nullptr),
        status_(i.status),
        attempts_(i.attempts),
        kind_(detail::view(i.kind)),
        reason_(detail::view(i.reason)),
        request_(detail::view(i.request)),
        body_truncated_(i.body_truncated),
        decode_code_(i.has_decode_error ? static_cast<std::uint32_t>(i.decode_error.code) : 0) {
    if (i.has_request_id) request_id_ = std::string(detail::view(i.request_id));
    if (i.has_body) body_ = std::string(detail::view(i.body));
  }

  std::uint16_t status_;
  std::uint32_t attempts_;
  std::string kind_, reason_, request_;
  std::optional<std::string> request_id_, body_;
  bool body_truncated_;
  std::uint32_t decode_code_;
};

/// A retrieved session body: owns the bytes exactly as received. Move-only.
class body {
 public:
  body(body &&) noexcept = default;
  body &operator=(body &&) noexcept = default;

  // bytes(), request_id() and url() are views into this body: refused on a temporary
  // (`= delete` on `const &&`), where they would dangle at the end of the statement.

  /// The bytes (valid while this body lives).
  std::string_view bytes() const & {
    const std::uint8_t *data = nullptr;
    std::size_t len = 0;
    detail::check(lcs_body_bytes(get(), &data, &len));
    return {reinterpret_cast<const char *>(data), len};
  }
  std::string_view bytes() const && = delete;
  /// The HTTP status (a 2xx).
  std::uint16_t status() const {
    std::uint16_t s = 0;
    detail::check(lcs_body_status(get(), &s));
    return s;
  }
  /// The x-request-id response header, when the server sent one (valid while this lives).
  std::optional<std::string_view> request_id() const & {
    bool present = false;
    lcs_str id;
    detail::check(lcs_body_request_id(get(), &present, &id));
    if (!present) return std::nullopt;
    return detail::view(id);
  }
  std::optional<std::string_view> request_id() const && = delete;
  /// The URL that was requested (valid while this body lives).
  std::string_view url() const & {
    lcs_str u;
    detail::check(lcs_body_url(get(), &u));
    return detail::view(u);
  }
  std::string_view url() const && = delete;
  /// Decodes the body (lcs_body_parse). The session BORROWS this body: keep the body alive
  /// while the session lives. Throws lcs::client_error (LCS_CLIENT_INVALID_BODY, with the
  /// decoder's offset, line and column) when the body is not a valid session.
  session parse() const & {
    lcs_session *s = nullptr;
    lcs_client_error *e = nullptr;
    std::uint32_t r = lcs_body_parse(get(), &s, &e);
    if (r != LCS_OK) client_error::raise(r, e);
    return session(s);
  }
  /// Refused: the temporary body (const or not) would die before the session.
  session parse() const && = delete;
  /// Saves the raw bytes as a dump file (replaced atomically). Throws lcs::client_error
  /// (LCS_CLIENT_IO) when writing fails, or lcs::error(LCS_INVALID_ARGUMENT) for an empty
  /// path (or, outside Unix, one that is not UTF-8).
  void save(std::string_view path) const {
    lcs_client_error *e = nullptr;
    std::uint32_t r = lcs_body_save(get(), detail::text(path), path.size(), &e);
    if (r != LCS_OK) client_error::raise(r, e);
  }
  const lcs_body *get() const noexcept { return b_.get(); }

 private:
  friend class client;
  explicit body(lcs_body *b) : b_(b) {}
  struct deleter {
    void operator()(lcs_body *b) const noexcept { lcs_body_free(b); }
  };
  std::unique_ptr<lcs_body, deleter> b_;
};

/// What client::retrieve_visiting returns: the body and its session, which borrows it
/// (declared after the body, so it is destroyed first). Move-only. A move assignment frees
/// the old session before the old body it borrows (the implicit one would free the body
/// first). Views from a temporary's members are refused like those of any temporary.
struct retrieved {
  lcs::body body;
  lcs::session session;

  /// Pairs a body with a session parsed from it (e.g. by b.parse()); moving the body keeps
  /// the bytes where they are, so the session stays valid.
  retrieved(lcs::body &&b, lcs::session &&s) noexcept
      : body(std::move(b)), session(std::move(s)) {}
  retrieved(retrieved &&) noexcept = default;
  retrieved &operator=(retrieved &&other) noexcept {
    if (this != &other) {
      session = std::move(other.session);  // frees the old session while its body lives
      body = std::move(other.body);        // then the old body
    }
    return *this;
  }
  retrieved(const retrieved &) = delete;
  retrieved &operator=(const retrieved &) = delete;
  ~retrieved() = default;
};

/// A blocking Get Full Session client (lcs_client): configuration from the setters, then the
/// environment (LLAMA_CLOUD_API_KEY, LLAMA_CLOUD_BASE_URL, ...), then the defaults, resolved
/// at the first retrieve() or build(). Setters return *this for chaining. Move-only.
class client {
 public:
  client() {
    lcs_client *c = nullptr;
    detail::check(lcs_client_new(&c));
    c_.reset(c);
  }
  client(client &&) noexcept = default;
  client &operator=(client &&) noexcept = default;

  client &api_key(std::string_view key) {
    detail::check(lcs_client_set_api_key(get(), detail::text(key), key.size()));
    return *this;
  }
  client &base_url(std::string_view url) {
    detail::check(lcs_client_set_base_url(get(), detail::text(url), url.size()));
    return *this;
  }
  client &header(std::string_view name, std::string_view value) {
    detail::check(lcs_client_add_header(get(), detail::text(name), name.size(),
                                        detail::text(value), value.size()));
    return *this;
  }
  client &timeout(std::chrono::milliseconds t) {
    detail::check(lcs_client_set_timeout_ms(get(), to_ms(t)));
    return *this;
  }
  client &connect_timeout(std::chrono::milliseconds t) {
    detail::check(lcs_client_set_connect_timeout_ms(get(), to_ms(t)));
    return *this;
  }
  client &max_retries(std::uint32_t n) {
    detail::check(lcs_client_set_max_retries(get(), n));
    return *this;
  }
  client &max_body_bytes(std::uint64_t n) {
    detail::check(lcs_client_set_max_body_bytes(get(), n));
    return *this;
  }
  /// false: read nothing from the environment (set the API key explicitly).
  client &use_environment(bool yes) {
    detail::check(lcs_client_set_use_environment(get(), yes));
    return *this;
  }
  /// true: verify servers with the OS certificate store (needs a library built with the
  /// `platform-verifier` feature; otherwise throws lcs::error with LCS_UNSUPPORTED).
  client &platform_roots(bool yes) {
    detail::check(lcs_client_set_platform_roots(get(), yes));
    return *this;
  }
  /// Resolves the configuration now; throws lcs::client_error (no API key, bad base URL...),
  /// or lcs::error(LCS_INVALID_ARGUMENT) for a setting that is not UTF-8.
  void build() const {
    lcs_client_error *e = nullptr;
    std::uint32_t r = lcs_client_build(get(), &e);
    if (r != LCS_OK) client_error::raise(r, e);
  }
  /// GET /api/v1/chat/{session_id}; throws lcs::client_error on failure, or
  /// lcs::error(LCS_INVALID_ARGUMENT), with no request made, for text that is not UTF-8.
  lcs::body retrieve(std::string_view session_id,
                     std::optional<std::string_view> organization_id = std::nullopt,
                     std::optional<std::string_view> project_id = std::nullopt) const {
    lcs_body *b = nullptr;
    lcs_client_error *e = nullptr;
    std::uint32_t r = lcs_client_retrieve(
        get(), detail::text(session_id), session_id.size(),
        detail::text(organization_id), detail::size(organization_id), detail::text(project_id),
        detail::size(project_id),
        &b, &e);
    if (r != LCS_OK) client_error::raise(r, e);
    return lcs::body(b);
  }
  /// GET /api/v1/chat/{session_id}, decoded while it arrives (lcs_client_retrieve_visiting):
  /// calls `visit(const lcs::event &)` with each event as soon as it is whole, on this
  /// thread, and returns the body with its session. If `visit` throws, later events are not
  /// visited and the exception is rethrown once the call is over. Throws lcs::client_error on
  /// failure (LCS_CLIENT_INVALID_BODY with the decoder's position for an invalid body;
  /// `visit` may have seen the events before the error), or lcs::error(LCS_INVALID_ARGUMENT),
  /// with no request made, for text that is not UTF-8.
  template <class F>
  lcs::retrieved retrieve_visiting(std::string_view session_id, F &&visit,
                                   std::optional<std::string_view> organization_id = std::nullopt,
                                   std::optional<std::string_view> project_id = std::nullopt) const {
    detail::event_visit<F> st{&visit, nullptr};
    lcs_body *b = nullptr;
    lcs_session *s = nullptr;
    lcs_client_error *e = nullptr;
    std::uint32_t r = lcs_client_retrieve_visiting(
        get(), detail::text(session_id), session_id.size(),
        detail::text(organization_id), detail::size(organization_id), detail::text(project_id),
        detail::size(project_id),
        detail::event_visit<F>::call, &st, &b, &s, &e);
    if (r != LCS_OK) {
      if (st.error) {
        lcs_client_error_free(e);
        std::rethrow_exception(st.error);
      }
      client_error::raise(r, e);
    }
    lcs::retrieved got{lcs::body(b), lcs::session(s)};
    if (st.error) std::rethrow_exception(st.error);
    return got;
  }
  /// The handle: const for a const client (lcs_client_build and lcs_client_retrieve take a
  /// `const lcs_client *`), mutable for the setters.
  const lcs_client *get() const noexcept { return c_.get(); }
  lcs_client *get() noexcept { return c_.get(); }

 private:
  static std::uint64_t to_ms(std::chrono::milliseconds t) noexcept {
    return t.count() < 0 ? 0 : static_cast<std::uint64_t>(t.count());
  }
  struct deleter {
    void operator()(lcs_client *c) const noexcept { lcs_client_free(c); }
  };
  std::unique_ptr<lcs_client, deleter> c_;
};

/// The linked library's version ("0.1.0"); compare with LCS_VERSION_STRING.
inline std::string_view version() noexcept { return lcs_version(); }

}  // namespace lcs

#endif /* LCSESSION_HPP */
