// Reports as mail: --mime, its addresses and subject, and the message.
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/report.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/mail.hpp"
#include "funnel/formats/render.hpp"

namespace funnel::cli::report {

namespace {

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "localhost";
    return name;
}

}  // namespace

// Prints the report: as mail with --mime (a text and an html version), else in the format asked.
void deliver(const Session& session, const Report& report, const MailOptions& mail,
             const std::vector<std::string>& old_to, const std::vector<std::string>& old_from) {
    if (!mail.mime) {
        if (!mail.to.empty() || !mail.from.empty())
            throw invalid_input(fmt::format("{} goes with --mime, which sends the report as mail",
                                            !mail.to.empty() ? "--mail-to" : "--mail-from"));
        if (!old_to.empty() || !old_from.empty())
            throw invalid_input(
                fmt::format("{} is an address: give --mime to send the report as mail",
                            in_quotes(!old_to.empty() ? old_to.front() : old_from.front())));
        render_report(session.format(), session.out(), session.render_options(), report);
        return;
    }
    if (!old_to.empty() || !old_from.empty())
        session.note(
            "--to and --from with an address are the old spelling of --mail-to and --mail-from; "
            "they work for this release only");
    std::vector<std::string> to = mail.to, from = mail.from;
    to.insert(to.end(), old_to.begin(), old_to.end());
    from.insert(from.end(), old_from.begin(), old_from.end());
    if (to.empty()) throw invalid_input("--mime needs --mail-to ADDRESS");
    MailMessage message;
    message.to = join(to, ", ");
    const char* user = std::getenv("USER");
    message.from =
        !from.empty() ? join(from, ", ")
                      : fmt::format("funnel <{}@{}>", user && *user ? user : "funnel", host_name());
    parse_option("--mail-to", message.to, [](const std::string& text) {
        validate_address_list(text);
        return 0;
    });
    parse_option("--mail-from", message.from, [](const std::string& text) {
        validate_address_list(text);
        return 0;
    });
    message.subject =
        mail.subject ? text_option("--subject", *mail.subject, TextKind::line) : report.title;
    const auto now = std::time(nullptr);
    message.date = rfc5322_date(now);
    message.message_id = fmt::format("{}.{}.funnel@{}", now, ::getpid(), host_name());
    RenderOptions text_options;
    text_options.unicode = true;  // the part says charset=utf-8
    RenderOptions html_options = text_options;
    html_options.mail = true;
    std::ostringstream text, html;
    render_report(Format::table, text, text_options, report);
    render_report(Format::html, html, html_options, report);
    message.text = text.str();
    message.html = html.str();
    session.out() << mime_message(message);
}

void add_mail_options(Command& command, MailOptions& mail) {
    command.flag("--mime", mail.mime,
                 "Print a complete mail (text and html) for sendmail -t; needs --mail-to");
    command.repeatable("--mail-to", mail.to, "With --mime: the recipients", "ADDRESS");
    command.repeatable("--mail-from", mail.from, "With --mime: the sender", "ADDRESS");
    command.option("--subject", mail.subject, "The subject of the mail").type_name("TEXT");
}

}  // namespace funnel::cli::report
