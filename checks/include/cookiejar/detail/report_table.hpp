#pragma once
// The grid of a failed schedule, as both model checkers print it (Relacy's,
// <cookiejar/model_check.hpp>, and the event loop's explorer, <cookiejar/async_check.hpp>):
// one column per thread or task, one numbered row per step, time running down.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace cj::detail {

struct table_row {
    std::size_t column;  // index into the headings
    std::string text;
};

// s cut (with "~") or padded to exactly `width` characters.
inline std::string fit(std::string s, std::size_t width) {
    if (s.size() > width) s = s.substr(0, width - 1) + "~";
    s.resize(width, ' ');
    return s;
}

// Each column as wide as its longest cell and its heading (12 to 44 characters); no
// line ends in spaces.
inline std::string column_table(const std::vector<std::string>& headings, const std::vector<table_row>& rows) {
    std::size_t width = 12;
    for (const auto& h : headings) width = std::max(width, h.size());
    for (const auto& r : rows) width = std::max(width, r.text.size());
    width = std::min<std::size_t>(width, 44);
    auto trimmed = [](std::string line) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        return line + "\n";
    };
    std::string heading = "  " + fit("", 4);
    for (const auto& h : headings) heading += "| " + fit(h, width);
    std::string out = trimmed(heading);
    out += "  ----";
    for (std::size_t c = 0; c < headings.size(); ++c) out += "+-" + std::string(width, '-');
    out += "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = "  " + fit(std::to_string(i + 1), 4);
        for (std::size_t c = 0; c < headings.size(); ++c) line += "| " + fit(rows[i].column == c ? rows[i].text : "", width);
        out += trimmed(line);
    }
    out += "  " + std::string(4 + headings.size() * (width + 2), '-') + "\n";
    return out;
}

}  // namespace cj::detail
