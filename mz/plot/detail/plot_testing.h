// Test helpers for SVG text (header-only, tests only): a well-formedness check, tag counts and
// the value of the first attribute with a given name.
#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace mz::plot::testing {

// How many times `what` occurs in text.
inline int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The value of the first name="..." in text, or "" when absent.
inline std::string attribute(const std::string& text, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return "";
  const std::size_t start = at + key.size(), end = text.find('"', start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

// True when text is one XML element with balanced tags, quoted attributes, and '&' only in
// entities (&lt; &gt; &amp; &quot; &apos; &#...;).
inline bool well_formed(const std::string& text) {
  std::vector<std::string> open;
  int roots = 0;
  auto entity_ok = [&](std::size_t i) {
    const std::size_t semi = text.find(';', i);
    if (semi == std::string::npos || semi - i > 8) return false;
    const std::string e = text.substr(i + 1, semi - i - 1);
    return e == "lt" || e == "gt" || e == "amp" || e == "quot" || e == "apos" ||
           (!e.empty() && e[0] == '#');
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      if (!entity_ok(i)) return false;
      ++i;
      continue;
    }
    if (text[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(text[i]))) return false;
      ++i;
      continue;
    }
    // A tag: scan to its '>' outside quotes.
    std::size_t j = i + 1;
    bool quoted = false;
    for (; j < text.size(); ++j) {
      if (text[j] == '"')
        quoted = !quoted;
      else if (!quoted && text[j] == '<')
        return false;
      else if (!quoted && text[j] == '>')
        break;
      else if (quoted && text[j] == '&' && !entity_ok(j))
        return false;
    }
    if (j >= text.size() || quoted) return false;
    std::string tag = text.substr(i + 1, j - i - 1);
    i = j + 1;
    if (tag.empty()) return false;
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    std::size_t name_end = 0;
    while (name_end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[name_end])) &&
           tag[name_end] != '/')
      ++name_end;
    if (open.empty() && ++roots > 1) return false;
    if (!self_closing) open.push_back(tag.substr(0, name_end));
  }
  return open.empty() && roots == 1;
}

}  // namespace mz::plot::testing
