// The store: the one place that speaks SQL. Everything else asks it for domain values.
//
// Store is the data file: opening and creating it, its transactions, checks and backups. What
// the file holds is read and written through one store per concern (stages(), parties(),
// deals(), history(), related(), reports(), dump()), all over the file's one connection; they
// are what a second database engine would implement.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/money.hpp"
#include "funnel/error.hpp"
#include "funnel/store/change_store.hpp"
#include "funnel/store/deal_store.hpp"
#include "funnel/store/deal_writer.hpp"
#include "funnel/store/dump.hpp"
#include "funnel/store/field_store.hpp"
#include "funnel/store/history_store.hpp"
#include "funnel/store/party_store.hpp"
#include "funnel/store/quota_store.hpp"
#include "funnel/store/rate_store.hpp"
#include "funnel/store/related_store.hpp"
#include "funnel/store/report_queries.hpp"
#include "funnel/store/stage_store.hpp"

namespace funnel {

class NewDataFile;
struct Connection;

// What a failure the database engine reported past the store means to a user, as an Error: a
// busy file is a conflict, a full disk, a damaged or read-only file a runtime failure. Nothing
// for a failure of another kind.
std::optional<Error> database_failure(const std::exception& failure);

struct DataCounts {
    std::int64_t opportunities = 0;
    std::int64_t open = 0;
    std::int64_t won = 0;
    std::int64_t lost = 0;
    std::int64_t organizations = 0;
    std::int64_t contacts = 0;
    std::int64_t stages = 0;
    std::int64_t history = 0;
};

class Store {
  public:
    enum class Access { read, write };
    // Whether a write to a missing file may create the missing folders of its path.
    enum class Folders { must_exist, create };

    // Opens the data file. For reading, the file is opened read-only (as immutable where
    // nothing can write it: a read-only file system), an older schema is upgraded in a copy in
    // memory, and a missing or empty file is Error(not_found): a mistyped path must never read
    // as an empty pipeline. For writing, a missing file is created whole (mode 0600, WAL), and an
    // older schema is upgraded. Either way a file made by a newer funnel is Error(conflict) and
    // left untouched, one that is not a data file Error(runtime), and a folder, pipe or device
    // Error(invalid).
    static Store open(const std::filesystem::path& path, Access access,
                      Folders folders = Folders::create);
    // Makes a new data file for `target` as `file` (beside it, under this process's name) and
    // opens it for writing: what a change that must not leave a half-made file writes into
    // before the file takes its place (NewDataFile::adopt).
    static Store create(const NewDataFile& file, const std::filesystem::path& target);
    // Opens for writing and upgrades only up to `version`: for tests of migrations.
    static Store open_at_version(const std::filesystem::path& path, int version);
    // An empty data file in memory standing for `path` (in messages): what a command tries its
    // change on before it creates the real file, so that a failing command creates nothing.
    static Store scratch(const std::filesystem::path& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const std::filesystem::path& path() const;
    bool on_disk() const;       // false for a scratch store
    bool created_file() const;  // whether opening it for writing made the file
    int schema_version() const;
    static int latest_schema_version();

    // One BEGIN IMMEDIATE transaction: rolled back unless committed. A commit that changed
    // anything gives the file a new state stamp.
    class Transaction {
      public:
        explicit Transaction(Store& store);
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        ~Transaction();
        void commit();

      private:
        Store& store_;
        bool open_ = true;
        std::int64_t changes_before_ = 0;
    };

    // Each transaction committed from now on is a change set made by `command` (the command
    // line) at `made_at`, which funnel undo can revert: what it replaced is kept in the file.
    void record_changes_as(std::string command, Timestamp made_at);
    ChangeStore changes() { return ChangeStore(*connection_); }

    // Before a change of many deals (a bulk edit): 16 MiB of the file's pages kept in memory for
    // the transaction, rather than SQLite's 2, so that they are not written out and read back.
    void prepare_for_many_changes();

    Currency default_currency();
    void set_default_currency(const Currency& currency);
    // The first month of the fiscal year (1: the calendar year), as db info --set-fiscal-start
    // keeps it; and the same read from a file without opening it as a store (nothing when the
    // file does not exist or is not a data file), so that dates can be read before it is.
    int fiscal_start();
    void set_fiscal_start(int month);
    static std::optional<int> fiscal_start_of(const std::filesystem::path& path);
    // The currency reports convert into when no --in is given (db info --set-report-currency).
    std::optional<Currency> report_currency();
    void set_report_currency(const std::optional<Currency>& currency);
    DataCounts counts();
    // Whether any deal, organization or contact has a tag: lists for people then show their tags.
    bool tags_in_use(FieldRecord record);
    // The file's own id, stable across backups and restores: the iCalendar UIDs' domain.
    std::string calendar_id();
    // What names this state of the file: its id, schema, a random token that every committed
    // change replaces, and the file's time and size (which changes by other programs move).
    // Nothing for a file no change has been committed to since funnel began keeping the token.
    // What a result computed from the file is kept under (ResultCache).
    std::optional<std::string> state_stamp();

    // The stores of each concern, over this file's connection. Each is a handle, valid while
    // the store is.
    StageStore stages() { return StageStore(*connection_); }
    FieldStore fields() { return FieldStore(*connection_); }
    RateStore rates() { return RateStore(*connection_); }
    QuotaStore quotas() { return QuotaStore(*connection_); }
    // Converts amounts into `to`, open deals' at the rates of `open_day`, cross rates through
    // the file's default currency.
    std::unique_ptr<AmountConverter> converter(Currency to, Date open_day);
    PartyStore parties() { return PartyStore(*connection_); }
    DealStore deals() { return DealStore(*connection_); }
    HistoryStore history() { return HistoryStore(*connection_); }
    RelatedStore related() { return RelatedStore(*connection_); }
    ReportQueries reports() { return ReportQueries(*connection_); }
    Dump dump() { return Dump(*connection_); }

    // The checks of db check: SQLite's integrity and foreign-key checks, then funnel's own
    // rules. Each is named, with its problems (none when all is well).
    struct Check {
        std::string name;
        std::vector<std::string> problems;
    };
    std::vector<Check> check();
    // Copies the file, consistent as of one moment even while other processes write, into a
    // new file (mode 0600) that must not exist yet: Error(conflict) when it does.
    void backup(const std::filesystem::path& to);

  private:
    friend class DealWriter;
    friend class HistoryWriter;
    explicit Store(std::unique_ptr<Connection> connection);
    std::unique_ptr<Connection> connection_;
};

}  // namespace funnel
