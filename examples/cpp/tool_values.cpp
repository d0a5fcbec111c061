// tool_values (C++): the same walk as examples/c/tool_values.c, through lcsession.hpp:
// every tool call's arguments and every tool result's value, one line per leaf.
//
//   tool_values FILE
//
// Exit status: 0 on success, 1 when the dump is invalid, 2 on usage or I/O errors.
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
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

// Decoded text on one line: control characters shown as \n, \t, \uXXXX.
void put_visible(const std::string &text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') std::cout << "\\n";
    else if (c == '\t') std::cout << "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      std::cout << buf;
    } else {
      std::cout << static_cast<char>(c);
    }
  }
}

// The narrowest type the number converts to; lcs::error says why a conversion fails.
std::string typed_number(const lcs::value &v) {
  try {
    return " = u64 " + std::to_string(v.as_u64());
  } catch (const lcs::error &) {
  }
  try {
    return " = i64 " + std::to_string(v.as_i64());
  } catch (const lcs::error &) {
  }
  try {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v.as_f64());
    return std::string(" = f64 ") + buf;
  } catch (const lcs::error &) {
    return " (out of range)";
  }
}

void print_leaf(const std::string &path, const lcs::value &v) {
  std::cout << "  " << path << ": ";
  switch (v.kind()) {
    case lcs::kind::null:
      std::cout << "null\n";
      break;
    case lcs::kind::boolean:
      std::cout << "bool " << (v.as_bool() ? "true" : "false") << "\n";
      break;
    case lcs::kind::number:
      std::cout << "number " << v.number_text() << typed_number(v) << "\n";
      break;
    case lcs::kind::string: {
      lcs::json_string s = v.as_string();
      std::cout << "string \"";
      put_visible(s.str());
      std::cout << "\"" << (s.has_escapes() ? " (had escapes)" : "") << "\n";
      break;
    }
    case lcs::kind::object:
      std::cout << "object {}\n";
      break;
    case lcs::kind::array:
      std::cout << "array []\n";
      break;
    default:
      std::cout << "?\n";
  }
}

void walk(const std::string &path, const lcs::value &v) {
  if ((!v.is_object() && !v.is_array()) || v.size() == 0) {
    print_leaf(path, v);
    return;
  }
  if (v.is_object()) {
    for (const auto &[key, child] : v.members()) walk(path + "." + key.str(), child);
  } else {
    std::size_t i = 0;
    for (const lcs::value &child : v.items()) walk(path + "[" + std::to_string(i++) + "]", child);
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: tool_values FILE\n";
    return 2;
  }
  std::vector<char> buf;
  if (!read_file(argv[1], buf)) {
    std::cerr << "error: " << argv[1] << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  try {
    lcs::session session = lcs::session::parse(buf.data(), buf.size());
    for (const lcs::event &ev : session.events()) {
      if (ev.type() == lcs::event_type::tool_call) {
        std::cout << "#" << ev.index() << " tool_call " << ev.name() << " (" << ev.call_id() << ")\n";
        walk("arguments", ev.arguments());
        if (auto query = ev.arguments().get("query"); query && query->kind() == lcs::kind::string)
          std::cout << "  -> query is " << query->as_string() << "\n";
      } else if (ev.type() == lcs::event_type::tool_result) {
        std::cout << "#" << ev.index() << " tool_result " << ev.name() << " (" << ev.call_id()
                  << ")\n";
        walk("result", ev.result());
        if (auto hits = ev.result().get("hits"); hits && hits->is_array())
          std::cout << "  -> " << hits->size() << " hits\n";
        if (ev.image_attachment() == lcs::presence::present)
          std::cout << "  image_attachment: " << ev.attachment_name() << " from " << ev.source_id()
                    << "\n";
      }
    }
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
