#include "commands/config.hpp"

#include <ostream>

#include <fmt/format.h>

#include "commands/opp.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/config.hpp"

namespace funnel::cli::config {

namespace {

const std::filesystem::path& file_of(const Session& session) {
    if (!session.config_file())
        throw invalid_input("no config file: set HOME, XDG_CONFIG_HOME or FUNNEL_CONFIG");
    return *session.config_file();
}

// Reading a value needs the file to load; changing one only needs it to be TOML.
void require_loaded(const Session& session) {
    if (session.config_error()) throw invalid_input(*session.config_error());
}

std::string_view source_name(SettingSource source) {
    switch (source) {
        case SettingSource::option:
            return "option";
        case SettingSource::environment:
            return "environment";
        case SettingSource::file:
            return "file";
        case SettingSource::fallback:
            break;
    }
    return "default";
}

}  // namespace

void run_list(Session& session) {
    require_loaded(session);
    Table table{{{"key", "Key"},
                 {"value", "Value"},
                 {"source", "Source", Audience::machines},
                 {"origin", "Origin", Audience::machines},
                 {"from", "From", Audience::people},
                 {"environment", "Environment", Audience::machines},
                 {"description", "Description", Audience::machines}},
                {}};
    for (const auto& key : config_keys()) {
        const auto setting = session.setting(key.name);
        std::string value = setting ? setting->value : std::string(key.fallback);
        if (!setting && key.name == "db") value = session.data_file().string();
        if (!setting && key.name == "owner") value = session.default_owner();
        const SettingSource source = setting ? setting->source : SettingSource::fallback;
        const std::string origin = setting ? setting->origin : std::string("default");
        table.rows.push_back({text_cell(std::string(key.name)), text_cell(value),
                              text_cell(std::string(source_name(source))), text_cell(origin),
                              text_cell(source == SettingSource::file
                                            ? fmt::format("config file line {}", setting->line)
                                            : origin),
                              text_cell(std::string(key.environment)),
                              text_cell(std::string(key.description))});
    }
    session.print(table);
}

void run_get(const KeyOptions& options, Session& session) {
    require_loaded(session);
    const ConfigKey& key = config_key(options.key);
    const auto setting = session.setting(key.name);
    if (!setting)
        throw not_found(fmt::format("{} is not set (default: {})", key.name, key.fallback));
    session.out() << setting->value << '\n';
}

void run_set(const SetOptions& options, Session& session) {
    const ConfigKey& key = config_key(options.key);
    const auto& file = file_of(session);
    std::string value;
    try {
        value = checked_config_value(key, options.value);
        if (key.name.starts_with("list.")) opp::check_list_setting(key.name, value, session);
    } catch (const Error& e) {
        throw invalid_input(
            fmt::format("invalid {} {}: {}", key.name, in_quotes(options.value), e.what()));
    }
    set_config_value(file, key, value);
    if (!session.quiet())
        session.out() << fmt::format("Set {} = {} in {}\n", key.name, value, file.string());
}

void run_unset(const KeyOptions& options, Session& session) {
    const auto& file = file_of(session);
    if (!unset_config_value(file, options.key)) {
        config_key(options.key);  // a misspelt key is said as such
        throw not_found(fmt::format("{} is not set in {}", options.key, file.string()));
    }
    if (!session.quiet())
        session.out() << fmt::format("Unset {} in {}\n", options.key, file.string());
}

void run_path(Session& session) {
    session.out() << file_of(session).string() << '\n';
}

void setup(Command& funnel, GlobalOptions& globals) {
    auto group = funnel.subcommand(
        "config", "Settings of the config file: owner, currency, format, pager, date order, ...");
    group.require_subcommand();
    const auto unchecked = [&globals] { globals.config_unchecked = true; };
    {
        auto command = group.subcommand("list", "Every key, its value and where it comes from");
        command.on_run(run_list, unchecked);
    }
    {
        auto options = std::make_shared<KeyOptions>();
        auto command = group.subcommand("get", "The value of a key in force (exit 3 when unset)");
        command.option("KEY", options->key, "The key: owner, list.sort, ...").required();
        command.on_run([options](Session& session) { run_get(*options, session); }, unchecked);
    }
    {
        auto options = std::make_shared<SetOptions>();
        auto command =
            group.subcommand("set", "Set a key in the config file, keeping its comments");
        command.option("KEY", options->key, "The key: owner, list.sort, ...").required();
        command.option("VALUE", options->value, "Its value").required();
        command.on_run([options](Session& session) { run_set(*options, session); }, unchecked);
    }
    {
        auto options = std::make_shared<KeyOptions>();
        auto command = group.subcommand("unset", "Remove a key from the config file");
        command.option("KEY", options->key, "The key").required();
        command.on_run([options](Session& session) { run_unset(*options, session); }, unchecked);
    }
    {
        auto command = group.subcommand("path", "Where the config file is (or would be)");
        command.on_run(run_path, unchecked);
    }
    group.footer(
        "Options beat the environment (FUNNEL_USER, FUNNEL_LIST_SORT, ...), which beats the "
        "file, which beats funnel's defaults. docs/config.md describes every key.");
}

}  // namespace funnel::cli::config
