// The whole data file as one JSON document (docs/dump.md), out and back in.
#pragma once

#include <iosfwd>

#include "funnel/domain/date.hpp"

namespace funnel {

struct Connection;

class Dump {
  public:
    explicit Dump(Connection& connection) : connection_(&connection) {}

    // Every table's rows as stored, each deal with its history, contacts, quotes, documents
    // and lines. Streamed.
    void write(std::ostream& out, const Timestamp& now);
    // Fills an empty data file from a dump, identical to the file it came from: ids, history,
    // sequences and all. Throws Error(conflict) when the file holds data, Error(invalid) for a
    // document that is not a funnel dump (or is inconsistent), or that breaks a rule db check
    // would report.
    void restore(std::istream& in);

  private:
    Connection* connection_;
};

}  // namespace funnel
