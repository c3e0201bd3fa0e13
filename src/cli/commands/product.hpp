// The "product" commands: the catalog of products and services that deals' lines refer to.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::product {

using OptText = std::optional<std::string>;

struct AddOptions {
    std::string name;
    OptText price, kind, unit, currency;
};

struct ListOptions {};

struct EditOptions {
    std::string product;
    OptText name, price, kind, unit, currency;
};

struct DeleteOptions {
    std::string product;
    bool yes = false;
};

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);

// Defines the product commands.
void setup(Command& group);

}  // namespace funnel::cli::product
