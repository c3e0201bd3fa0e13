// opp link and opp unlink: the records around a deal.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "command.hpp"
#include "commands/activity.hpp"

namespace funnel::cli::link {

using OptText = std::optional<std::string>;

struct ContactOptions {
    std::string contact;
    OptText role;
    bool primary = false;
    bool create = false;  // a contact that does not exist is made
};

struct QuoteOptions {
    std::string number;
    OptText amount, status, valid_until, file;
};

struct DocumentOptions {
    std::string location;
    OptText title;
};

struct ProductOptions {
    std::string product;
    OptText quantity, price, discount;
};

struct ActivityOptions {
    activity::Fields fields;
};

// The deal every kind links to: `opp link ID KIND ...`.
struct Target {
    std::string id;
};

void run_contact(const Target& target, const ContactOptions& options, Session& session);
void run_quote(const Target& target, const QuoteOptions& options, Session& session);
void run_document(const Target& target, const DocumentOptions& options, Session& session);
void run_product(const Target& target, const ProductOptions& options, Session& session);
void run_activity(const Target& target, const ActivityOptions& options, Session& session);

struct UnlinkOptions {
    std::string id, kind, link_id;
};

void run_unlink(const UnlinkOptions& options, Session& session);

// Defines opp link (one subcommand per kind) and opp unlink.
void setup(Command& opp);

}  // namespace funnel::cli::link
