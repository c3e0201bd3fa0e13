#include "complete.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "command.hpp"
#include "funnel/domain/filter.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/config.hpp"
#include "funnel/formats/views.hpp"
#include "session.hpp"

namespace funnel::cli {

namespace {

bool takes_value(const CLI::Option& option) {
    return !option.get_positional() && option.get_type_size() != 0;
}

// The option of `command`, or of the commands above it (whose options are accepted after it),
// that `word` names.
const CLI::Option* option_named(const CLI::App& command, std::string_view word) {
    const std::string name(word.substr(0, word.find('=')));
    for (const CLI::App* at = &command; at; at = at->get_parent())
        for (const auto* option : at->get_options())
            if (!option->get_positional() && option->check_name(name)) return option;
    return nullptr;
}

// What the shell's word holds: its quotes and backslashes taken away ("ACME\ In" is "ACME In").
std::string unquoted(std::string_view word) {
    std::string text;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '\\' && i + 1 < word.size())
            text += word[++i];
        else if (word[i] != '\'' && word[i] != '"')
            text += word[i];
    }
    return text;
}

// The --db of the command line being completed, if it has one.
std::string data_file_given;

// Names from the data file, when there is one that opens; nothing otherwise.
template <typename Read>
std::vector<std::string> from_data_file(Read&& read) {
    try {
        GlobalOptions options;
        options.db = data_file_given;
        Session session{options};
        if (!std::filesystem::exists(session.data_file())) return {};
        Store store = session.read_store();
        return read(store);
    } catch (const std::exception&) {
        return {};
    }
}

std::vector<std::string> stage_names() {
    return from_data_file([](Store& store) {
        std::vector<std::string> names;
        for (const auto& stage : store.stages().all())
            names.push_back(stage.name);
        return names;
    });
}

std::vector<std::string> date_words() {
    return {"today", "tomorrow", "yesterday", "sow", "eow", "som",
            "eom",   "soq",      "eoq",       "soy", "eoy"};
}

// The values an option takes, by its name.
std::vector<std::string> option_values(const std::string& name) {
    if (name == "format")
        return {"table", "json", "jsonl", "csv", "tsv", "markdown", "html", "ics"};
    if (name == "color") return {"auto", "always", "never"};
    if (name == "type") return {"new", "existing"};
    if (name == "stage") return stage_names();
    if (name == "org")
        return from_data_file([](Store& store) {
            std::vector<std::string> names;
            for (auto& [id, org] : store.parties().organization_names())
                names.push_back(std::move(org));
            return names;
        });
    if (name == "contact")
        return from_data_file([](Store& store) { return store.parties().contact_names(); });
    if (name == "sort")
        return {"close", "amount", "weighted", "probability", "stage",   "name",
                "org",   "owner",  "currency", "created",     "updated", "id"};
    if (name == "columns" || name == "where") {
        std::vector<std::string> names;
        if (name == "columns")
            for (const auto& column : opportunity_columns())
                names.push_back(column.key);
        else
            for (int field = 0; field < int(FilterField::custom); ++field)
                names.emplace_back(to_string(FilterField(field)));
        for (auto& custom : from_data_file([](Store& store) {
                 std::vector<std::string> fields;
                 for (const auto& field : store.fields().all(FieldRecord::opp))
                     fields.push_back(field.name);
                 return fields;
             }))
            names.push_back(std::move(custom));
        return names;
    }
    for (const char* date : {"close", "on", "due", "closing-from", "closing-to", "today", "as-of"})
        if (name == date) return date_words();
    return {};
}

// The values of a command's positional argument, by its name.
std::vector<std::string> argument_values(const CLI::App& root, const std::string& name) {
    if (name == "STAGE") return stage_names();
    if (name == "SHELL") return {"bash", "zsh", "fish"};
    if (name == "KEY") {
        std::vector<std::string> keys;
        for (const auto& key : config_keys())
            keys.emplace_back(key.name);
        return keys;
    }
    if (name == "COMMAND") {
        std::vector<std::string> commands;
        for (const auto* sub : root.get_subcommands({}))
            commands.push_back(sub->get_name());
        return commands;
    }
    return {};
}

}  // namespace

std::vector<std::string> completions(const CLI::App& app, const std::vector<std::string>& words) {
    if (words.empty()) return {};
    const CLI::App* command = &app;
    const CLI::Option* wanting = nullptr;  // the option whose value the next word is
    std::size_t arguments = 0;             // positional words given to the command
    bool help = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const std::string& word = words[i];
        if (wanting) {
            if (wanting->check_name("--db")) data_file_given = unquoted(word);
            wanting = nullptr;
            continue;
        }
        if (word.starts_with("--db=")) data_file_given = unquoted(word.substr(5));
        if (word.starts_with("-") && word.size() > 1) {
            const auto* option = option_named(*command, word);
            if (option && takes_value(*option) && word.find('=') == std::string::npos)
                wanting = option;
            continue;
        }
        if (command == &app && word == "help") {
            help = true;
            continue;
        }
        if (arguments == 0) {
            const auto subs = command->get_subcommands(
                [&](const CLI::App* sub) { return sub->check_name(word); });
            if (!subs.empty()) {
                command = subs.front();
                continue;
            }
        }
        ++arguments;
    }
    const std::string typed = unquoted(words.back());
    std::vector<std::string> candidates;
    if (wanting) {
        candidates = option_values(wanting->get_lnames().empty() ? std::string()
                                                                 : wanting->get_lnames().front());
    } else if (typed.starts_with("-")) {
        for (const CLI::App* at = command; at; at = at->get_parent())
            for (const auto* option : at->get_options())
                for (const auto& name : option->get_lnames())
                    candidates.push_back("--" + name);
        candidates.emplace_back("--help");
    } else {
        if (arguments == 0 || help)
            for (const auto* sub : command->get_subcommands({}))
                candidates.push_back(sub->get_name());
        if (command == &app && !help) candidates.emplace_back("help");
        // opp stage ID... STAGE: after the first deal, any word may be the stage.
        const bool stage_move = command->get_name() == "stage" && command->get_parent() &&
                                command->get_parent()->get_name() == "opp";
        std::size_t positional = 0;
        for (const auto* option : command->get_options()) {
            if (!option->get_positional()) continue;
            const bool many = option->get_items_expected_max() > 1;
            if (positional == arguments || (many && positional < arguments))
                for (auto& value : argument_values(
                         app, stage_move && arguments > 0 ? "STAGE" : option->get_name()))
                    candidates.push_back(std::move(value));
            ++positional;
        }
    }
    std::vector<std::string> matching;
    for (auto& candidate : candidates)
        if (ascii_lower(candidate).starts_with(ascii_lower(typed)) &&
            std::find(matching.begin(), matching.end(), candidate) == matching.end())
            matching.push_back(std::move(candidate));
    return matching;
}

void setup_completion(Command& funnel) {
    auto shell = std::make_shared<std::string>();
    auto command = funnel.subcommand("completion", "A completion script for bash, zsh or fish");
    command.option("SHELL", *shell, "bash, zsh or fish").required();
    command.footer(
        "bash: funnel completion bash > ~/.local/share/bash-completion/completions/funnel\n"
        "zsh:  funnel completion zsh > \"${fpath[1]}/_funnel\"\n"
        "fish: funnel completion fish > ~/.config/fish/completions/funnel.fish\n"
        "The Debian package installs all three.");
    command.on_run([shell](Session& session) { session.out() << completion_script(*shell); });
}

std::string completion_script(std::string_view shell) {
    if (shell == "bash")
        return R"script(# bash completion for funnel: funnel completion bash > ~/.local/share/bash-completion/completions/funnel
_funnel() {
    local IFS=$'\n' candidate
    local -a candidates
    candidates=($(funnel __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)) || return
    COMPREPLY=()
    for candidate in "${candidates[@]}"; do
        COMPREPLY+=("$(printf '%q' "$candidate")")
    done
}
complete -F _funnel funnel
)script";
    if (shell == "zsh")
        return R"script(#compdef funnel
# zsh completion for funnel: funnel completion zsh > "${fpath[1]}/_funnel"
_funnel() {
    local -a candidates
    candidates=("${(@f)$(funnel __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    compadd -- "${(@)candidates:#}"
}
if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
    _funnel "$@"
else
    compdef _funnel funnel
fi
)script";
    if (shell == "fish")
        return R"script(# fish completion for funnel: funnel completion fish > ~/.config/fish/completions/funnel.fish
function __funnel_complete
    set -l words (commandline -opc) (commandline -ct)
    funnel __complete $words[2..-1] 2>/dev/null
end
complete -c funnel -f -a '(__funnel_complete)'
)script";
    throw invalid_input(
        fmt::format("invalid SHELL {}: expected bash, zsh or fish", in_quotes(shell)));
}

}  // namespace funnel::cli
