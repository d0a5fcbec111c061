// fetch: retrieve a LlamaCloud chat session over HTTP and print a short summary; the same
// program as examples/c/fetch.c through lcsession.hpp (it prints the same bytes).
//
//   fetch BASE_URL SESSION_ID [OUT_FILE]
//
// The API key comes from LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY); to set it explicitly
// instead: lcs::client().use_environment(false).api_key("llx-...").
// Exit status: 0 on success, 1 when the request or the session fails, 2 on usage errors.
#include <cstdio>
#include <iostream>
#include <string_view>

#include "lcsession.hpp"

namespace {

void report(const lcs::client_error &e) {
  std::cerr << "error: " << e.what() << "\n  code: " << e.code() << " ("
            << lcs_result_message(e.code()) << ")\n";
  if (e.status() != 0) std::cerr << "  status: " << e.status() << "\n";
  if (e.request_id()) std::cerr << "  request id: " << *e.request_id() << "\n";
  std::cerr << "  attempts: " << e.attempts() << "\n";
  if (e.body() && !e.body()->empty())
    std::cerr << "  body: " << *e.body() << (e.body_truncated() ? " [...]" : "") << "\n";
}

// The first line of the first answer (text event), streamed without a buffer.
void summarize(const lcs::session &s) {
  std::cout << "session " << s.id() << "\nevents: " << s.event_count() << "\n";
  for (const lcs::event &e : s.events()) {
    if (e.type() != lcs::event_type::text) continue;
    std::cout << "first text: ";
    bool done = false;
    e.content().for_each_chunk([&](std::string_view piece) {
      if (done) return;
      std::size_t nl = piece.find('\n');
      if (nl != std::string_view::npos) {
        piece = piece.substr(0, nl);
        done = true;
      }
      std::cout << piece;
    });
    std::cout << "\n";
    break;
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: fetch BASE_URL SESSION_ID [OUT_FILE]\n";
    return 2;
  }
  try {
    lcs::client client;
    client.base_url(argv[1]);
    lcs::body body = client.retrieve(argv[2]);  // no organization_id / project_id
    {
      lcs::session session = body.parse();  // borrows `body`, which outlives it
      summarize(session);
    }
    if (argc == 4) {
      body.save(argv[3]);
      std::cout << "saved " << body.bytes().size() << " bytes to " << argv[3] << "\n";
    }
    return 0;
  } catch (const lcs::client_error &e) {
    report(e);
    return 1;
  } catch (const lcs::error &e) {
    std::cerr << "error: " << e.what() << " (code " << e.code() << ")\n";
    return 1;
  }
}
