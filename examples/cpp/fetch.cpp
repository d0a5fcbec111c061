// fetch: retrieve a LlamaCloud chat session over HTTP and print a short summary; the same
// output as examples/c/fetch.c (byte for byte), through lcsession.hpp, decoding the session
// while it arrives (lcs::client::retrieve_visiting) where fetch.c retrieves, then parses.
//
//   fetch BASE_URL SESSION_ID [OUT_FILE]
//
// The API key comes from LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY); to set it explicitly
// instead: lcs::client().use_environment(false).api_key("llx-...").
// Exit status: 0 on success, 1 when the request or the session fails, 2 on usage errors.
#include <cstdio>
#include <iostream>
#include <string>
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

// Appends the first line of `e`'s content to `out`.
void first_line(const lcs::event &e, std::string &out) {
  bool done = false;
  e.content().for_each_chunk([&](std::string_view piece) {
    if (done) return;
    std::size_t nl = piece.find('\n');
    if (nl != std::string_view::npos) {
      piece = piece.substr(0, nl);
      done = true;
    }
    out.append(piece);
  });
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
    // Decoded while it arrives (no organization_id / project_id): each event is handed over
    // as soon as it is whole; the first text's first line is kept.
    std::string first_text;
    bool seen_text = false;
    lcs::retrieved got = client.retrieve_visiting(argv[2], [&](const lcs::event &e) {
      if (seen_text || e.type() != lcs::event_type::text) return;
      seen_text = true;
      first_line(e, first_text);
    });
    std::cout << "session " << got.session.id() << "\nevents: " << got.session.event_count()
              << "\n";
    if (seen_text) std::cout << "first text: " << first_text << "\n";
    if (argc == 4) {
      got.body.save(argv[3]);
      std::cout << "saved " << got.body.bytes().size() << " bytes to " << argv[3] << "\n";
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
