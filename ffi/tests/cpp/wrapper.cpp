// Runtime checks of include/lcsession.hpp, built and run by ffi/tests/cpp_wrapper.rs as C++17
// and C++20 with -Wall -Wextra -Wshadow -Wconversion -Werror -pedantic.
//
//   wrapper [BASE_URL]
//
// BASE_URL: an lcsession-testserver answering request n (0-based) with a session whose
// session_id is "ses-<n>" and which has two events; without it the retrieved cases are
// skipped (and say so). Prints one line per check group; exit status 0 when every check
// passed, 1 otherwise.
//
// Built with -DLCS_WRAP_FREES and -Wl,--wrap=... (see the test), the program also records
// which session borrows which body (lcs_body_parse, lcs_client_retrieve_visiting) and fails
// when a body is freed while a session parsed from it is still alive.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "lcsession.hpp"

#if __cplusplus >= 202002L
#include <algorithm>
#include <ranges>
#endif

namespace {

int failures = 0;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::cout << "FAIL " << __FILE__ << ":" << __LINE__ << ": " #cond "\n"; \
      failures++;                                                           \
    }                                                                       \
  } while (0)

// Runs one group of checks; an exception is a failure of the group.
template <class F>
void group(const char *name, F &&f) {
  int before = failures;
  try {
    f();
  } catch (const lcs::error &e) {
    std::cout << "FAIL " << name << ": lcs::error " << e.code() << ": " << e.what() << "\n";
    failures++;
  } catch (const std::exception &e) {
    std::cout << "FAIL " << name << ": exception: " << e.what() << "\n";
    failures++;
  }
  std::cout << (failures == before ? "ok " : "failed ") << name << "\n";
}

// The lcs::error code `f` throws, or 0 when it returns.
template <class F>
std::uint32_t code_of(F &&f) {
  try {
    f();
    return 0;
  } catch (const lcs::error &e) {
    return e.code();
  }
}

constexpr const char kDoc[] =
    "{\"session_id\":\"ses-lit\",\"last_updated_at\":\"2024-01-01T00:00:00Z\",\"extra\":7,"
    "\"events\":["
    "{\"type\":\"text\",\"content\":\"hello\"},"
    "{\"type\":\"tool_call\",\"call_id\":\"c1\",\"name\":\"search\","
    "\"arguments\":{\"q\":\"x\",\"n\":[1,2,3]}},"
    "{\"type\":\"text_delta\",\"content\":\"a\\nb\"}]}";

// What every value accessor of `v` does (error codes; 0 = returned normally).
std::vector<std::uint32_t> value_behaviour(const lcs::value &v) {
  return {
      code_of([&] { (void)v.size(); }),
      code_of([&] { (void)v.get("k"); }),
      code_of([&] { (void)v.members(); }),
      code_of([&] { (void)v.items(); }),
      code_of([&] { (void)v.tokens(); }),
      code_of([&] { v.walk([](const lcs::token &) {}); }),
      code_of([&] { (void)v.as_string(); }),
      code_of([&] { (void)v.as_bool(); }),
      code_of([&] { (void)v.as_u64(); }),
      code_of([&] { (void)v.number_text(); }),
  };
}

void default_event() {
  const lcs::event e;
  // Every view is empty and usable, as in a real event's unused fields (never NULL).
  for (const lcs::json_string &s : {e.type_name(), e.content(), e.call_id(), e.name(),
                                    e.attachment_name(), e.source_id()}) {
    CHECK(s.c_str_view().data != nullptr);
    CHECK(s.raw().empty());
    CHECK(s == "");
    CHECK(!(s != ""));
    CHECK(s.str().empty());
    CHECK(s.decoded_size() == 0);
    std::ostringstream os;
    os << s;
    CHECK(os.str().empty());
  }
  CHECK(e.content() == "");
  CHECK(!(e.content() == "x"));
  for (const lcs::value &v : {e.raw(), e.arguments(), e.result(), e.usage().raw,
                              e.skipped_index_ids().value}) {
    CHECK(v.c_value().data != nullptr);
    CHECK(v.is_none());
    CHECK(v.raw().empty());
  }
  CHECK(e.error().is_missing());
  CHECK(e.skipped_index_ids().is_missing());
  CHECK(e.image_attachment() == lcs::presence::missing);
  CHECK(!e.usage().turns && !e.usage().duration_ms);
  CHECK(!e.is_error() && !e.inferred() && e.index() == 0);

  // The absent fields of a real event behave the same way, accessor for accessor.
  lcs::session s = lcs::session::parse(kDoc);
  for (const lcs::event &text : s.events()) {
    if (text.type() != lcs::event_type::text) continue;
    CHECK(value_behaviour(e.raw()) == value_behaviour(text.arguments()));
    CHECK(value_behaviour(e.arguments()) == value_behaviour(text.arguments()));
    CHECK(value_behaviour(e.usage().raw) == value_behaviour(text.usage().raw));
    CHECK((e.call_id() == "") == (text.call_id() == ""));
    CHECK(e.name().str() == text.name().str());
    break;
  }
}

void parse_literal() {
  // A string literal: borrowed, as static as it gets.
  lcs::session s = lcs::session::parse(kDoc);
  CHECK(s.id() == "ses-lit");
  CHECK(s.event_count() == 3);
  lcs::session t = lcs::session::parse(
      "{\"session_id\":\"ses-x\",\"last_updated_at\":\"t\",\"events\":[]}");
  CHECK(t.id() == "ses-x");
  CHECK(t.event_count() == 0);
  // A const char * (NUL-terminated); NULL is refused with LCS_NULL_ARGUMENT.
  const char *p = kDoc;
  CHECK(lcs::session::parse(p).event_count() == 3);
  CHECK(code_of([] { lcs::session::parse(static_cast<const char *>(nullptr)); }) ==
        LCS_NULL_ARGUMENT);
  // Invalid text through the const char * overload: the parse error and its position.
  lcs::error err(LCS_OK);
  try {
    lcs::session::parse("{\n  \"events\": [}");
  } catch (const lcs::error &e) {
    err = e;
  }
  CHECK(err.code() == LCS_SYNTAX_UNEXPECTED_BYTE && err.line() == 2 && err.offset() == 15);
  CHECK(!err.event() && err.field().empty());  // where an event was expected, not inside one
  // A syntax error inside event 1 names it; a schema error names its event and field.
  try {
    lcs::session::parse("{\"events\": [{}, {\"type\": \"text\", \"content\": \"a\\qb\"}]}");
  } catch (const lcs::error &e) {
    err = e;
  }
  CHECK(err.code() == LCS_SYNTAX_INVALID_ESCAPE && err.event() == std::optional<std::size_t>(1));
  CHECK(err.field().empty() && err.offset() == 46);
  CHECK(std::string(err.what()) == "event 1: invalid escape sequence in string at byte 46");
  try {
    lcs::session::parse(
        "{\"events\": [{\"type\": \"tool_call\", \"name\": \"n\", \"arguments\": {}}],"
        " \"session_id\": \"s\", \"last_updated_at\": \"t\"}");
  } catch (const lcs::error &e) {
    err = e;
  }
  CHECK(err.code() == LCS_MISSING_FIELD && err.event() == std::optional<std::size_t>(0));
  CHECK(err.field() == "call_id");
  // One pass with a visitor (instantiates parse_visiting under the strict warnings).
  std::size_t visited = 0;
  lcs::session v = lcs::session::parse_visiting(kDoc, sizeof kDoc - 1,
                                                [&](const lcs::event &) { visited++; });
  CHECK(visited == 3 && v.event_count() == 3);
  // The string_view and (pointer, length) overloads still apply.
  CHECK(lcs::session::parse(std::string_view(kDoc)).event_count() == 3);
  std::string owned(kDoc);
  CHECK(lcs::session::parse(owned).event_count() == 3);
  CHECK(lcs::session::parse(owned.data(), owned.size()).event_count() == 3);
}

void temporaries_that_stay_allowed() {
  // raw(), unknown_fields() and event_count() point into the bytes (here a literal), not
  // into the session: they stay usable on a temporary session.
  lcs::value whole = lcs::session::parse(kDoc).raw();
  CHECK(whole.is_object());
  CHECK(whole["session_id"].as_string() == "ses-lit");
  std::size_t unknown = 0;
  for (const auto &member : lcs::session::parse(kDoc).unknown_fields()) {
    CHECK(member.first == "extra");
    CHECK(member.second.as_u64() == 7);
    unknown++;
  }
  CHECK(unknown == 1);
  CHECK(lcs::session::parse(kDoc).event_count() == 3);
}

// The arguments of the tool call of kDoc (a view into the literal).
lcs::value arguments_of_doc() {
  lcs::session s = lcs::session::parse(kDoc);
  for (const lcs::event &e : s.events())
    if (e.type() == lcs::event_type::tool_call) return e.arguments();
  throw lcs::error(LCS_NOT_FOUND);
}

template <class Range>
std::size_t count_by_hand(Range &&r) {
  std::size_t n = 0;
  for (auto it = r.begin(); it != r.end(); ++it) n++;
  return n;
}

// Comparisons with the end in both orders, postfix ++, default-constructed iterators.
template <class Range>
void iterator_protocol(Range &&r, std::size_t expected) {
  using iterator = decltype(r.begin());
  static_assert(std::is_same_v<typename std::iterator_traits<iterator>::iterator_category,
                               std::input_iterator_tag>);
  static_assert(std::is_same_v<typename iterator::iterator_concept, std::input_iterator_tag>);
  static_assert(std::is_default_constructible_v<iterator>);
  const lcs::detail::end_sentinel end = r.end();
  const iterator exhausted;
  CHECK(exhausted == end && end == exhausted && !(exhausted != end) && !(end != exhausted));
  std::size_t n = 0;
  auto it = r.begin();
  while (end != it) {
    CHECK(it != end && !(it == end) && !(end == it));
    it++;
    n++;
  }
  CHECK(it == end);
  CHECK(n == expected);
}

void iterators() {
  lcs::session s = lcs::session::parse(kDoc);
  lcs::value args = arguments_of_doc();
  CHECK(count_by_hand(s.events()) == 3);
  CHECK(count_by_hand(args.members()) == 2);
  CHECK(count_by_hand(args["n"].items()) == 3);
  const std::size_t tokens = count_by_hand(args.tokens());
  CHECK(tokens == 8);
  iterator_protocol(s.events(), 3);
  iterator_protocol(args.members(), 2);
  iterator_protocol(args["n"].items(), 3);
  iterator_protocol(args.tokens(), tokens);
  // Postfix ++ advances like prefix ++.
  auto items = args["n"].items();
  auto it = items.begin();
  it++;
  CHECK(it->as_u64() == 2);
}

#if __cplusplus >= 202002L
using members_range = lcs::value_range<std::pair<lcs::json_string, lcs::value>>;
using items_range = lcs::value_range<lcs::value>;
static_assert(std::input_iterator<lcs::event_range::iterator>);
static_assert(std::input_iterator<members_range::iterator>);
static_assert(std::input_iterator<items_range::iterator>);
static_assert(std::input_iterator<lcs::token_range::iterator>);
static_assert(std::sentinel_for<lcs::detail::end_sentinel, lcs::event_range::iterator>);
static_assert(std::sentinel_for<lcs::detail::end_sentinel, members_range::iterator>);
static_assert(std::sentinel_for<lcs::detail::end_sentinel, items_range::iterator>);
static_assert(std::sentinel_for<lcs::detail::end_sentinel, lcs::token_range::iterator>);
static_assert(std::ranges::input_range<lcs::event_range>);
static_assert(std::ranges::input_range<members_range>);
static_assert(std::ranges::input_range<items_range>);
static_assert(std::ranges::input_range<lcs::token_range>);

// LCS_TEST_BROKEN_STD_RANGES: the test found that this compiler cannot instantiate its
// standard library's views at all (clang 14 with libstdc++ 12 fails on a std::vector).
#ifndef LCS_TEST_BROKEN_STD_RANGES
void ranges() {
  lcs::session s = lcs::session::parse(kDoc);
  lcs::value args = arguments_of_doc();
  CHECK(std::ranges::distance(s.events()) == 3);
  CHECK(std::ranges::distance(args.members()) == 2);
  CHECK(std::ranges::distance(args["n"].items()) == 3);
  CHECK(std::ranges::distance(args.tokens()) == 8);

  std::vector<lcs::event_type> types;
  auto events = s.events();
  for (const lcs::event &e : events | std::views::take(2)) types.push_back(e.type());
  CHECK(types.size() == 2);
  CHECK(types.size() == 2 && types[0] == lcs::event_type::text &&
        types[1] == lcs::event_type::tool_call);

  std::vector<std::uint64_t> numbers;
  auto items = args["n"].items();
  for (const lcs::value &v : items | std::views::take(2)) numbers.push_back(v.as_u64());
  CHECK((numbers == std::vector<std::uint64_t>{1, 2}));

  std::size_t keys = 0;
  auto members = args.members();
  for (const auto &m : members | std::views::take(1)) {
    CHECK(m.first == "q");
    keys++;
  }
  CHECK(keys == 1);

  auto tokens = args.tokens();
  std::size_t depth_sum = 0;
  for (const lcs::token &t : tokens | std::views::take(3)) depth_sum += t.depth;
  CHECK(depth_sum == 0 + 1 + 1);  // the object, "x", the array

  CHECK(std::ranges::count_if(s.events(), [](const lcs::event &e) {
          return e.type() == lcs::event_type::text_delta;
        }) == 1);
}
#endif
#endif

void const_client() {
  static_assert(
      std::is_same_v<decltype(std::declval<const lcs::client &>().get()), const lcs_client *>);
  static_assert(std::is_same_v<decltype(std::declval<lcs::client &>().get()), lcs_client *>);
  // The setters still work through the non-const handle, and a const client still builds
  // (which fails here for the missing API key, before any request).
  lcs::client c;
  c.use_environment(false).base_url("http://127.0.0.1:1").max_retries(0);
  const lcs::client &cc = c;
  CHECK(code_of([&] { cc.build(); }) == LCS_CLIENT_MISSING_API_KEY);
}

void json_string_copy() {
  lcs::session s = lcs::session::parse(kDoc);
  for (const lcs::event &e : s.events()) {
    if (e.type() != lcs::event_type::text_delta) continue;
    CHECK(e.content().has_escapes());
    CHECK(e.content().str() == "a\nb");
    CHECK(e.content().raw() == "a\\nb");
  }
  for (const lcs::event &e : s.events()) {
    if (e.type() != lcs::event_type::text) continue;
    // Without escapes str() is a copy too (its bytes are not the document's).
    std::string copy = e.content().str();
    CHECK(copy == "hello");
    CHECK(copy.data() != e.content().raw().data());
  }
}

#ifdef LCS_WRAP_FREES
// Which session borrows which body, from the C calls this program makes (-Wl,--wrap).
struct borrow {
  const lcs_session *session;
  const lcs_body *body;
};
std::vector<borrow> live_borrows;
int bodies_freed_under_a_session = 0;
int sessions_freed = 0;
int bodies_freed = 0;
#endif

void retrieved(const char *base_url) {
  auto make_client = [&] {
    lcs::client c;
    c.use_environment(false).api_key("k").base_url(base_url).max_retries(0);
    return c;
  };
  const lcs::client c = make_client();
  std::size_t visited = 0;
  auto visit = [&](const lcs::event &) { visited++; };
  lcs::retrieved a = c.retrieve_visiting("ses-a", visit);  // ses-0
  lcs::retrieved b = c.retrieve_visiting("ses-b", visit);  // ses-1
  CHECK(visited == 4);
  CHECK(a.session.id() == "ses-0" && b.session.id() == "ses-1");
  // Move assignment: a's old session goes before a's old body.
  a = std::move(b);
  CHECK(a.session.id() == "ses-1");
  CHECK(a.session.event_count() == 2);
  CHECK(a.body.bytes().size() > 0);
  CHECK(a.session.raw().raw().data() == a.body.bytes().data());
  // Self-move-assignment leaves it as it was (through a reference: no -Wself-move).
  lcs::retrieved &same = a;
  a = std::move(same);
  CHECK(a.session.id() == "ses-1");
  CHECK(a.body.bytes().size() > 0);
  // Move construction, then assignment into the moved-from value.
  lcs::retrieved moved(std::move(a));
  CHECK(moved.session.id() == "ses-1");
  a = c.retrieve_visiting("ses-c", visit);  // ses-2
  CHECK(a.session.id() == "ses-2");
  // A retrieved built from retrieve() + parse(), then replaced.
  lcs::body body = c.retrieve("ses-d");  // ses-3
  lcs::session parsed = body.parse();
  lcs::retrieved pair(std::move(body), std::move(parsed));
  CHECK(pair.session.id() == "ses-3");
  std::size_t n = 0;
  for (const lcs::event &e : pair.session.events()) n += e.index() < 2 ? 1 : 0;
  CHECK(n == 2);
  pair = std::move(moved);
  CHECK(pair.session.id() == "ses-1");
  moved = std::move(pair);
  CHECK(moved.session.id() == "ses-1");
  // A bad argument is a plain lcs::error, found before any request (as documented on
  // lcs::client_error); a failed write is an lcs::client_error.
  bool plain = false;
  try {
    moved.body.save("");
  } catch (const lcs::client_error &) {
  } catch (const lcs::error &e) {
    plain = e.code() == LCS_INVALID_ARGUMENT;
  }
  CHECK(plain);
  std::uint32_t io = 0;
  try {
    moved.body.save("/nonexistent-dir/x.json");
  } catch (const lcs::client_error &e) {
    io = e.code();
  }
  CHECK(io == LCS_CLIENT_IO);
  CHECK(code_of([&] { (void)c.retrieve(std::string_view("ses-\xff", 5)); }) ==
        LCS_INVALID_ARGUMENT);
}

}  // namespace

#ifdef LCS_WRAP_FREES
extern "C" {
void __real_lcs_body_free(lcs_body *body);
void __real_lcs_session_free(lcs_session *session);
lcs_result __real_lcs_body_parse(const lcs_body *body, lcs_session **out_session,
                                 lcs_client_error **out_error);
lcs_result __real_lcs_client_retrieve_visiting(
    const lcs_client *client, const char *session_id, size_t session_id_len,
    const char *organization_id, size_t organization_id_len, const char *project_id,
    size_t project_id_len, lcs_event_visitor visitor, void *user_data, lcs_body **out_body,
    lcs_session **out_session, lcs_client_error **out_error);

void __wrap_lcs_session_free(lcs_session *session) {
  if (session != nullptr) sessions_freed++;
  for (auto it = live_borrows.begin(); it != live_borrows.end();) {
    if (it->session == session) {
      it = live_borrows.erase(it);
    } else {
      ++it;
    }
  }
  __real_lcs_session_free(session);
}

void __wrap_lcs_body_free(lcs_body *body) {
  if (body != nullptr) bodies_freed++;
  for (const borrow &b : live_borrows) {
    if (b.body == body) {
      std::cout << "FAIL a body was freed while a session parsed from it was alive\n";
      bodies_freed_under_a_session++;
    }
  }
  __real_lcs_body_free(body);
}

lcs_result __wrap_lcs_body_parse(const lcs_body *body, lcs_session **out_session,
                                 lcs_client_error **out_error) {
  lcs_result r = __real_lcs_body_parse(body, out_session, out_error);
  if (r == LCS_OK) live_borrows.push_back({*out_session, body});
  return r;
}

lcs_result __wrap_lcs_client_retrieve_visiting(
    const lcs_client *client, const char *session_id, size_t session_id_len,
    const char *organization_id, size_t organization_id_len, const char *project_id,
    size_t project_id_len, lcs_event_visitor visitor, void *user_data, lcs_body **out_body,
    lcs_session **out_session, lcs_client_error **out_error) {
  lcs_result r = __real_lcs_client_retrieve_visiting(
      client, session_id, session_id_len, organization_id, organization_id_len, project_id,
      project_id_len, visitor, user_data, out_body, out_session, out_error);
  if (r == LCS_OK) live_borrows.push_back({*out_session, *out_body});
  return r;
}
}
#endif

int main(int argc, char **argv) {
  if (argc > 2) {
    std::cerr << "usage: wrapper [BASE_URL]\n";
    return 2;
  }
  std::cout << "C++ " << __cplusplus << "\n";
  group("default event", default_event);
  group("parse a string literal", parse_literal);
  group("raw, unknown_fields, event_count on a temporary", temporaries_that_stay_allowed);
  group("iterators", iterators);
#if __cplusplus >= 202002L && !defined(LCS_TEST_BROKEN_STD_RANGES)
  group("C++20 ranges", ranges);
#elif __cplusplus >= 202002L
  std::cout << "not built: C++20 range algorithms (this compiler cannot instantiate its "
               "standard library's <ranges>; the concept checks passed)\n";
#else
  std::cout << "not built: C++20 ranges (C++17)\n";
#endif
  group("const client", const_client);
  group("json_string::str", json_string_copy);
  if (argc == 2) {
#ifdef LCS_WRAP_FREES
    sessions_freed = bodies_freed = 0;
#endif
    group("retrieved", [&] { retrieved(argv[1]); });
#ifdef LCS_WRAP_FREES
    const int failures_before = failures;
    // Every session and body of the group is freed by now, each session before its body.
    std::cout << "freed " << sessions_freed << " sessions, " << bodies_freed << " bodies\n";
    CHECK(bodies_freed_under_a_session == 0);
    CHECK(live_borrows.empty());
    CHECK(sessions_freed == 4 && bodies_freed == 4);
    std::cout << (failures == failures_before ? "ok " : "failed ") << "free order\n";
#else
    std::cout << "not checked: free order (built without LCS_WRAP_FREES)\n";
#endif
  } else {
    std::cout << "skipped: retrieved (no BASE_URL given)\n";
  }
  std::cout << (failures == 0 ? "all passed\n" : "FAILED\n");
  return failures == 0 ? 0 : 1;
}
