// Shell completion: `funnel completion bash|zsh|fish` prints a script that asks
// `funnel __complete WORD...` for the candidates of the word being typed. The candidates come
// from the command definitions that drive parsing, help and the man page, and, for stage,
// organization, contact, field and column names, from the data file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace funnel::cli {

// Candidates for the last of `words` (the words after "funnel"; the last is the one being
// typed, perhaps empty), each on a line of its own, for the shell to offer.
std::vector<std::string> completions(const CLI::App& app, const std::vector<std::string>& words);

// The script for bash, zsh or fish; Error(invalid) for another shell.
std::string completion_script(std::string_view shell);

class Command;
// Defines `funnel completion SHELL`.
void setup_completion(Command& funnel);

}  // namespace funnel::cli
