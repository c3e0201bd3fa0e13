// What the commands of every kind of record share: printing a list as it is read, and the
// checks and the last line of a delete.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/formats/render.hpp"
#include "funnel/formats/table.hpp"
#include "session.hpp"

namespace funnel::cli {

// A list printed as the store hands it over: each record's row, or with -q its id alone.
class ListPrinter {
  public:
    ListPrinter(const Session& session, const std::vector<Column>& columns);

    // `make_row` runs only when the row is printed.
    template <typename MakeRow>
    void add(std::int64_t id, MakeRow&& make_row) {
        ++count_;
        if (session_.quiet())
            print_id(id);
        else
            renderer_->row(make_row());
    }
    // Ends the list. A table without rows says `none` ("no contacts") on stderr instead.
    void finish(const std::string& none);
    std::int64_t count() const { return count_; }

  private:
    void print_id(std::int64_t id);

    const Session& session_;
    std::unique_ptr<RowRenderer> renderer_;
    std::int64_t count_ = 0;
};

// "2 opportunities", "1 contact".
std::string counted(std::int64_t count, std::string_view one, std::string_view many);

// Refuses the delete of `what` ("organization 'Acme'") while `uses` (counted(), those of zero
// left out) name records that refer to it: Error(conflict) "... is used by 2 opportunities and
// 1 contact; ADVICE".
void refuse_while_used(const std::string& what, const std::vector<std::string>& uses,
                       std::string_view advice);

// The last line of a delete: "Deleted organization 3: Acme", or the id alone with -q.
void report_deleted(const Session& session, std::string_view kind, std::int64_t id,
                    std::string_view name);

}  // namespace funnel::cli
