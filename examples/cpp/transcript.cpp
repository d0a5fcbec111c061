// transcript (C++): the same transcript as examples/c/transcript.c, through lcsession.hpp.
//
//   transcript FILE
//
// Exit status: 0 on success, 1 when the dump is invalid, 2 on usage or I/O errors.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "lcsession.hpp"

namespace {

bool read_file(const char *path, std::vector<char> &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

const char *presence_text(lcs::presence p) {
  return p == lcs::presence::null ? "(null)" : "(missing)";
}

// printf-style "%.1f", to match the C example byte for byte.
std::string fixed1(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", d);
  return buf;
}

void print_header(const lcs::session &s) {
  std::cout << "session " << s.id() << " (updated " << s.last_updated_at() << ")\n";
  auto title = s.generated_title();
  std::cout << "title: ";
  if (title) std::cout << *title;
  else std::cout << presence_text(title.presence);
  std::cout << "\n";

  auto ids = s.index_ids();
  std::cout << "indexes:";
  if (ids) {
    for (std::size_t i = 0; i < ids->size(); i++) std::cout << (i ? ", " : " ") << (*ids)[i];
  } else {
    std::cout << " " << presence_text(ids.presence);
  }
  std::cout << "\n";

  if (auto access = s.shared_access()) {
    bool known = *access == "query" || *access == "read_only";
    std::cout << "shared access: " << *access << (known ? "" : " (unrecognised)") << "\n";
  }

  if (auto job = s.job_metadata()) {
    std::cout << "job:";
    if (job->turns) std::cout << " " << *job->turns << " turns,";
    if (job->total_input_tokens) std::cout << " " << *job->total_input_tokens << " input";
    if (job->total_output_tokens) std::cout << " + " << *job->total_output_tokens << " output tokens,";
    if (job->duration_ms) std::cout << " " << fixed1(*job->duration_ms) << " ms,";
    if (job->is_error) std::cout << " " << (*job->is_error ? "failed" : "ok");
    if (job->error) std::cout << ": " << *job->error;
    if (job->export_config_ids) {
      std::cout << "; exports:";
      for (auto id : *job->export_config_ids) std::cout << " " << id;
    }
    std::cout << "\n";
  }

  for (const auto &[key, value] : s.unknown_fields()) {
    std::cout << "unknown field " << key;
    if (value.is_object() || value.is_array())
      std::cout << " (" << (value.is_object() ? "object" : "array") << ", " << value.size()
                << " entries)\n";
    else
      std::cout << " = " << value.raw() << "\n";
  }
}

void print_fields(const lcs::value &object) {
  std::cout << " kept as raw JSON with fields";
  bool first = true;
  for (const auto &member : object.members()) {
    if (member.first == "type") continue;
    std::cout << (first ? ": " : ", ") << member.first;
    first = false;
  }
  std::cout << "\n";
}

void print_events(const lcs::session &s) {
  std::cout << s.event_count() << " events\n";
  bool in_run = false;
  lcs::event_type run_type = lcs::event_type::untyped;
  for (const lcs::event &ev : s.events()) {
    bool delta = ev.type() == lcs::event_type::thinking_delta || ev.type() == lcs::event_type::text_delta;
    if (delta && in_run && ev.type() == run_type) {
      std::cout << ev.content();
      continue;
    }
    if (in_run) std::cout << "\n";
    in_run = false;
    std::cout << "\n[#" << ev.index() << " " << ev.type_str();
    switch (ev.type()) {
      case lcs::event_type::thinking_delta:
      case lcs::event_type::text_delta:
        std::cout << " ...]\n" << ev.content();
        in_run = true;
        run_type = ev.type();
        break;
      case lcs::event_type::thinking:
      case lcs::event_type::text:
      case lcs::event_type::user_input:
        std::cout << "]\n" << ev.content() << "\n";
        break;
      case lcs::event_type::tool_call:
        std::cout << (ev.inferred() ? " (type inferred)" : "") << "] " << ev.name() << " ("
                  << ev.call_id() << "), " << ev.arguments().size() << " arguments\n";
        break;
      case lcs::event_type::tool_result:
        std::cout << "] " << ev.name() << " (" << ev.call_id() << "), " << ev.result().raw().size()
                  << " bytes of JSON";
        if (ev.image_attachment() == lcs::presence::present)
          std::cout << ", image " << ev.attachment_name() << " from " << ev.source_id();
        std::cout << "\n";
        break;
      case lcs::event_type::stop: {
        lcs::usage u = ev.usage();
        std::cout << "] " << (ev.is_error() ? "failed" : "ok");
        if (u.total_input_tokens) std::cout << ", " << *u.total_input_tokens << " input";
        if (u.total_output_tokens) std::cout << " + " << *u.total_output_tokens << " output tokens";
        if (u.duration_ms) std::cout << ", " << fixed1(*u.duration_ms) << " ms";
        if (auto err = ev.error()) std::cout << "\nerror: " << *err;
        if (auto skipped = ev.skipped_index_ids()) {
          std::cout << "\nskipped indexes:";
          for (const lcs::value &id : skipped->items()) std::cout << " " << id.as_string();
        }
        std::cout << "\n";
        break;
      }
      case lcs::event_type::unknown:
        std::cout << " \"" << ev.type_name() << "\"]";
        print_fields(ev.raw());
        break;
      default:
        std::cout << "]";
        print_fields(ev.raw());
        break;
    }
  }
  if (in_run) std::cout << "\n";
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: transcript FILE\n";
    return 2;
  }
  std::vector<char> buf;
  if (!read_file(argv[1], buf)) {
    std::cerr << "error: " << argv[1] << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  try {
    // The session borrows buf: buf outlives it.
    lcs::session session = lcs::session::parse(buf.data(), buf.size());
    print_header(session);
    print_events(session);
  } catch (const lcs::error &e) {
    if (e.has_position())
      std::cerr << "error: " << argv[1] << ":" << e.line() << ":" << e.column() << ": " << e.what()
                << " (code " << e.code() << ")\n";
    else
      std::cerr << "error: " << argv[1] << ": " << e.what() << " (code " << e.code() << ")\n";
    return 1;
  }
  return 0;
}
