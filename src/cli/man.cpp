// Writes the funnel(1) man page: the options and commands come from the same definitions that
// parse the command line; the prose around them from docs/man/*.roff.
#include <fstream>
#include <iostream>
#include <sstream>

#include "funnel/version.hpp"
#include "parser.hpp"

namespace {

// Escapes text for roff: backslashes, leading dots and quotes, and hyphens in option names.
std::string roff(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

std::string option_synopsis(const CLI::Option& option) {
    if (option.get_positional()) return "\\fI" + roff(option.get_name(true)) + "\\fR";
    std::string names;
    for (const auto& name : option.get_snames())
        names += (names.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(name) + "\\fR";
    for (const auto& name : option.get_lnames())
        names += (names.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(name) + "\\fR";
    if (option.get_items_expected_max() > 0)
        names += " \\fI" + roff(option.get_type_name()) + "\\fR";
    return names;
}

void write_options(std::ostream& out, const CLI::App& app) {
    for (const auto* option : app.get_options()) {
        if (option->get_lnames().size() == 1 && option->get_lnames()[0] == "help") continue;
        out << ".TP\n" << option_synopsis(*option) << "\n" << roff(option->get_description());
        if (option->get_required()) out << " (required)";
        out << "\n";
    }
}

std::string usage(const CLI::App& command, const std::string& path) {
    std::string line = "\\fB" + roff(path) + "\\fR";
    for (const auto* option : command.get_options())
        if (option->get_positional()) line += " \\fI" + roff(option->get_name(true)) + "\\fR";
    if (command.get_options([](const CLI::Option* o) { return !o->get_positional(); }).size() > 1)
        line += " [\\fIOPTIONS\\fR]";
    return line;
}

void write_commands(std::ostream& out, const CLI::App& app, const std::string& path) {
    for (const auto* group : app.get_subcommands({})) {
        const std::string group_path = path + " " + group->get_name();
        const auto commands = group->get_subcommands({});
        if (commands.empty()) {
            out << ".SS \"" << roff(group_path) << "\"\n" << roff(group->get_description()) << "\n";
            continue;
        }
        out << ".SS \"" << roff(group_path) << "\"\n" << roff(group->get_description()) << "\n";
        for (const auto* command : commands) {
            out << ".TP\n"
                << usage(*command, group_path + " " + command->get_name()) << "\n"
                << roff(command->get_description()) << "\n";
            out << ".RS\n";
            write_options(out, *command);
            out << ".RE\n";
        }
    }
}

std::string read(const char* path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(std::string("cannot read ") + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: funnel-man HEAD.roff TAIL.roff > funnel.1\n";
        return 2;
    }
    funnel::cli::GlobalOptions globals;
    funnel::cli::Action action;
    const auto app = funnel::cli::build_app(globals, action);
    std::cout << ".TH FUNNEL 1 \"\" \"funnel " << funnel::version << "\" \"User Commands\"\n";
    std::cout << read(argv[1]);
    std::cout << ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n";
    write_options(std::cout, *app);
    std::cout << ".SH COMMANDS\n";
    write_commands(std::cout, *app, "funnel");
    std::cout << read(argv[2]);
    return 0;
}
