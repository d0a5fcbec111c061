// Uses of include/lcsession.hpp that must NOT compile: each `CASE_...` block is a view into
// (or a cursor over) an object that dies at the end of the statement, a copy of a move-only
// value, or a setter reached through a const client. ffi/tests/cpp_wrapper.rs compiles the
// file once per case with -DCASE_... (the compiler must reject it, for the reason the test
// expects) and once with no case defined (it must compile: the control, so that no case
// fails for an unrelated reason). Every case sits next to the lvalue use that is fine.
#include <string>
#include <string_view>
#include <utility>

#include "lcsession.hpp"

void session_temporaries(std::string_view doc) {
  lcs::session s = lcs::session::parse(doc);
  std::string_view id = s.id();
  std::string_view updated = s.last_updated_at();
  auto title = s.generated_title();
  auto ids = s.index_ids();
  auto job = s.job_metadata();
  auto access = s.shared_access();
  for (const lcs::event &e : s.events()) (void)e;
  // Strings that outlive the session, const or not, are fine.
  const std::string kept(doc);
  std::string kept_mutable(doc);
  lcs::session from_kept = lcs::session::parse(kept);
  lcs::session from_kept_mutable = lcs::session::parse(kept_mutable);
  (void)id, (void)updated, (void)title, (void)ids, (void)job, (void)access;

#ifdef CASE_SESSION_ID
  std::string_view dangling = lcs::session::parse(doc).id();
  (void)dangling;
#endif
#ifdef CASE_SESSION_LAST_UPDATED_AT
  std::string_view dangling = lcs::session::parse(doc).last_updated_at();
  (void)dangling;
#endif
#ifdef CASE_SESSION_GENERATED_TITLE
  auto dangling = lcs::session::parse(doc).generated_title();
  (void)dangling;
#endif
#ifdef CASE_SESSION_INDEX_IDS
  auto dangling = lcs::session::parse(doc).index_ids();
  (void)dangling;
#endif
#ifdef CASE_SESSION_JOB_METADATA
  auto dangling = lcs::session::parse(doc).job_metadata();
  (void)dangling;
#endif
#ifdef CASE_SESSION_SHARED_ACCESS
  auto dangling = lcs::session::parse(doc).shared_access();
  (void)dangling;
#endif
#ifdef CASE_SESSION_EVENTS
  // The session dies before the loop runs; the range's cursor would read freed memory.
  for (const lcs::event &e : lcs::session::parse(doc).events()) (void)e;
#endif
#ifdef CASE_PARSE_TEMPORARY_STRING
  lcs::session dangling = lcs::session::parse(std::string(doc));
  (void)dangling;
#endif
#ifdef CASE_PARSE_CONST_TEMPORARY_STRING
  // A function returning `const std::string` gives a const rvalue.
  lcs::session dangling = lcs::session::parse(static_cast<const std::string &&>(std::string(doc)));
  (void)dangling;
#endif
#ifdef CASE_SESSION_MOVED_ID
  // std::move of a const session: the const && overload is the deleted one.
  const lcs::session &cs = s;
  std::string_view dangling = std::move(cs).id();
  (void)dangling;
#endif
}

void body_temporaries(const lcs::client &c) {
  lcs::body b = c.retrieve("ses-1");
  std::string_view bytes = b.bytes();
  auto request_id = b.request_id();
  std::string_view url = b.url();
  lcs::session parsed = b.parse();
  const lcs::body &cb = b;
  lcs::session parsed_const = cb.parse();
  (void)bytes, (void)request_id, (void)url, (void)parsed, (void)parsed_const;
  // Numbers and actions are fine on a temporary.
  (void)c.retrieve("ses-1").status();
  c.retrieve("ses-1").save("out.json");

#ifdef CASE_BODY_BYTES
  std::string_view dangling = lcs::client().retrieve("ses-1").bytes();
  (void)dangling;
#endif
#ifdef CASE_BODY_REQUEST_ID
  auto dangling = c.retrieve("ses-1").request_id();
  (void)dangling;
#endif
#ifdef CASE_BODY_URL
  std::string_view dangling = c.retrieve("ses-1").url();
  (void)dangling;
#endif
#ifdef CASE_BODY_PARSE
  lcs::session dangling = c.retrieve("ses-1").parse();
  (void)dangling;
#endif
#ifdef CASE_BODY_PARSE_CONST_TEMPORARY
  // A function returning `const lcs::body` gives a const rvalue.
  lcs::session dangling = static_cast<const lcs::body &&>(c.retrieve("ses-1")).parse();
  (void)dangling;
#endif
}

void retrieved_temporaries(const lcs::client &c) {
  auto visit = [](const lcs::event &) {};
  lcs::retrieved got = c.retrieve_visiting("ses-1", visit);
  std::string_view id = got.session.id();
  std::string_view bytes = got.body.bytes();
  for (const lcs::event &e : got.session.events()) (void)e;
  lcs::retrieved moved = std::move(got);
  got = std::move(moved);
  (void)id, (void)bytes;
  (void)c.retrieve_visiting("ses-1", visit).session.event_count();

#ifdef CASE_RETRIEVED_SESSION_ID
  std::string_view dangling = c.retrieve_visiting("ses-1", visit).session.id();
  (void)dangling;
#endif
#ifdef CASE_RETRIEVED_SESSION_EVENTS
  for (const lcs::event &e : c.retrieve_visiting("ses-1", visit).session.events()) (void)e;
#endif
#ifdef CASE_RETRIEVED_BODY_BYTES
  std::string_view dangling = c.retrieve_visiting("ses-1", visit).body.bytes();
  (void)dangling;
#endif
#ifdef CASE_RETRIEVED_BODY_URL
  std::string_view dangling = c.retrieve_visiting("ses-1", visit).body.url();
  (void)dangling;
#endif
#ifdef CASE_RETRIEVED_BODY_PARSE
  lcs::session dangling = c.retrieve_visiting("ses-1", visit).body.parse();
  (void)dangling;
#endif
#ifdef CASE_RETRIEVED_COPY
  lcs::retrieved copy = got;
  (void)copy;
#endif
#ifdef CASE_RETRIEVED_COPY_ASSIGN
  moved = got;
#endif
}

void const_client(lcs::client &mutable_client, const lcs::client &c) {
  lcs_client_set_max_retries(mutable_client.get(), 1);
  lcs_client_error *e = nullptr;
  lcs_result r = lcs_client_build(c.get(), &e);
  (void)r;
#ifdef CASE_CONST_CLIENT_SETTER
  lcs_client_set_max_retries(c.get(), 1);
#endif
}

int main() { return 0; }
