#pragma once
// A failing schedule as a Mermaid sequenceDiagram (`cookiejar check NN --mermaid`,
// `cookiejar replay NN '<string>' --mermaid`), for pasting into an issue (GitHub draws
// a ```mermaid block) and for the chapters' diagrams. Drawn from the record's steps:
// one participant per thread or task, one per cj:: object the steps name, an arrow
// for each step that acts on an object (dashed when the thread blocks or is woken),
// a note for each of the scenario's own steps, and the model checker's last word.
//
// Guarantee: the text is one diagram Mermaid can parse: a ';' in the record's words is
// written as Mermaid's entity code #59;, so no step ends a statement early, and each
// step is one line. Empty when the finding has no steps.
#include <string>

#include <cookiejar/verdict.hpp>

namespace cookiejar {

// The diagram alone (starting "sequenceDiagram").
[[nodiscard]] std::string mermaid_sequence(const cj::verdict::finding& f);

// The diagram in a ```mermaid fence, after a Mermaid comment naming `title`.
[[nodiscard]] std::string mermaid_block(const cj::verdict::finding& f, const std::string& title);

}  // namespace cookiejar
