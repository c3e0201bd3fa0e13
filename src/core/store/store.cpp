#include "funnel/store/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/system/paths.hpp"
#include "store/connection.hpp"
#include "store/journal.hpp"
#include "store/schema.hpp"

namespace funnel {

namespace {

// Writers wait this long for one another before giving up with "busy".
constexpr int busy_timeout_ms = 10'000;

std::string display(const std::filesystem::path& path) {
    return path.string();
}

// What is at a data file's path: nothing (false), an ordinary file (true), or something funnel
// must not open: a folder, a named pipe (reading it would wait forever), a device or a socket.
bool data_file_exists(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        // A path through a file (a typo in a folder's name) is as missing as any other.
        if (errno == ENOENT || errno == ENOTDIR) return false;
        throw runtime_failure(
            fmt::format("cannot open data file {}: {}", display(path), std::strerror(errno)));
    }
    if (S_ISREG(info.st_mode)) return true;
    const char* kind = S_ISDIR(info.st_mode)    ? "a folder"
                       : S_ISFIFO(info.st_mode) ? "a named pipe"
                       : S_ISSOCK(info.st_mode) ? "a socket"
                                                : "a device";
    throw invalid_input(fmt::format("data file {} is {}, not a file: give --db the path of a file",
                                    display(path), kind));
}

// Creates the missing folders of a path, each readable by its owner only.
void create_parent_folders(const std::filesystem::path& file) {
    const auto parent = file.parent_path();
    if (parent.empty()) return;
    std::error_code ignored;
    if (std::filesystem::is_directory(parent, ignored)) return;
    std::vector<std::filesystem::path> missing;
    for (auto folder = parent; !folder.empty() && !std::filesystem::exists(folder, ignored);
         folder = folder.parent_path()) {
        missing.push_back(folder);
        if (folder == folder.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
            throw runtime_failure(
                fmt::format("cannot create folder {}: {}", display(*it), std::strerror(errno)));
    }
    if (!std::filesystem::is_directory(parent, ignored))
        throw runtime_failure(fmt::format("cannot create data file {}: {} is not a folder",
                                          display(file), display(parent)));
}

// Creates an empty data file readable by its owner only; SQLite would use the umask. `shown`
// is the name errors give. False when the file exists already.
bool create_private_file(const std::filesystem::path& file, const std::filesystem::path& shown) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    if (errno != EEXIST)
        throw runtime_failure(
            fmt::format("cannot create data file {}: {}", display(shown), std::strerror(errno)));
    return false;
}

// Whether a file starts as every SQLite database does: what tells a damaged data file from a
// file that never was one.
bool has_sqlite_header(const std::filesystem::path& path) {
    static constexpr char magic[] = "SQLite format 3";  // with its NUL: 16 bytes
    char header[sizeof magic] = {};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const auto got = ::read(fd, header, sizeof header);
    ::close(fd);
    return got == sizeof header && std::memcmp(header, magic, sizeof magic) == 0;
}

// Whether the disk a file is on has no room left: SQLite then cannot even make the -wal and
// -shm files that opening a WAL file takes, and says only "disk I/O error".
bool disk_full(const std::filesystem::path& path) {
    struct statvfs disk {};
    const auto folder = std::filesystem::absolute(path).parent_path();
    return ::statvfs(folder.c_str(), &disk) == 0 && disk.f_bavail == 0;
}

Error unreadable(const std::filesystem::path& path, const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    if ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL) && disk_full(path))
        return runtime_failure(fmt::format(
            "cannot open data file {}: its disk is full (SQLite needs room for the file's -wal "
            "and -shm files); free some space",
            display(path)));
    if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB)
        return runtime_failure(
            fmt::format("cannot read data file {}: {}", display(path), e.getErrorStr()));
    if (has_sqlite_header(path))
        return runtime_failure(
            fmt::format("data file {} is damaged ({}): restore it from a backup, or see what "
                        "`sqlite3 {} .recover` can save",
                        display(path), e.getErrorStr(), display(path)));
    return runtime_failure(
        fmt::format("{} is not a funnel data file ({})", display(path), e.getErrorStr()));
}

// The schema version of a file, after checking that it is a funnel data file: 0 for an empty
// SQLite file. Failures to read are SQLite's own exceptions.
int checked_version(SQLite::Database& db, const std::filesystem::path& path) {
    // One statement, so one snapshot: a file another process is setting up is seen before or
    // after, never in between.
    SQLite::Statement query(db,
                            "SELECT u.user_version, a.application_id, (SELECT count(*) FROM "
                            "sqlite_schema) FROM pragma_user_version u, pragma_application_id a");
    query.executeStep();
    const int version = query.getColumn(0).getInt();
    const int id = query.getColumn(1).getInt();
    const auto objects = query.getColumn(2).getInt64();
    if ((version == 0 && objects > 0) || (version != 0 && id != schema::application_id))
        throw runtime_failure(fmt::format(
            "{} is not a funnel data file (it is another SQLite database)", display(path)));
    if (version > schema::latest_version())
        throw conflict(fmt::format(
            "{} was written by a newer funnel (schema version {}; this funnel knows up to {}); "
            "upgrade funnel to use it",
            display(path), version, schema::latest_version()));
    return version;
}

// Each process uses its connection from one thread: SQLite's own locking would only cost time.
constexpr int single_thread = SQLITE_OPEN_NOMUTEX;

void fold_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    if (sqlite3_value_type(arguments[0]) == SQLITE_NULL) return sqlite3_result_null(context);
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(arguments[0]));
    const std::string folded =
        fold_name(std::string_view(text, std::size_t(sqlite3_value_bytes(arguments[0]))));
    sqlite3_result_text(context, folded.data(), int(folded.size()), SQLITE_TRANSIENT);
}

// 10^(4 - its decimals) for a currency code: amounts of any currency times it are in units of
// 10^-4 of their major unit, which a --where compares them in.
void scale_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(arguments[0]));
    const int digits =
        text ? digits_of(std::string_view(text, std::size_t(sqlite3_value_bytes(arguments[0]))))
             : 2;
    std::int64_t scale = 1;
    for (int i = digits; i < 4; ++i)
        scale *= 10;
    sqlite3_result_int64(context, scale);
}

// Every connection gets the store's SQL functions: funnel_fold(name), the key names match by,
// and funnel_scale(currency).
SQLite::Database& with_functions(SQLite::Database& db) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    using Function = void (*)(sqlite3_context*, int, sqlite3_value**);
    const std::pair<const char*, Function> functions[] = {{"funnel_fold", fold_function},
                                                          {"funnel_scale", scale_function}};
    for (const auto& [name, function] : functions) {
        const int result = sqlite3_create_function_v2(db.getHandle(), name, 1, flags, nullptr,
                                                      function, nullptr, nullptr, nullptr);
        if (result != SQLITE_OK) throw SQLite::Exception(db.getHandle(), result);
    }
    return db;
}

SQLite::Database open_database(const std::filesystem::path& path, int flags) {
    // A statement that fires triggers (those that record change sets), or writes many rows,
    // keeps a statement journal to undo itself alone. A deal's update touches some 30 pages of
    // its table and indexes, more than the 64 KiB SQLite holds in memory before it moves the
    // journal to a temporary file, whose writes then tripled a bulk edit's and slowed an import
    // by 40 %. The journal lives one statement; it stays in memory. Set before SQLite starts:
    // a process that started it already (a test) keeps the default.
    [[maybe_unused]] static const int in_memory = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
    try {
        SQLite::Database db(path, flags | single_thread, busy_timeout_ms);
        with_functions(db);
        return db;
    } catch (const SQLite::Exception& e) {
        throw runtime_failure(
            fmt::format("cannot open data file {}: {}", display(path), e.getErrorStr()));
    }
}

SQLite::Database memory_database() {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | single_thread);
    with_functions(db);
    return db;
}

// A file URI for SQLite: every byte but unreserved ones and '/' percent-encoded.
std::string file_uri(const std::filesystem::path& path, std::string_view parameters) {
    std::string uri = "file:";
    for (const unsigned char c : std::filesystem::absolute(path).string()) {
        if (std::isalnum(c) || std::strchr("/-._~", c))
            uri += char(c);
        else
            uri += fmt::format("%{:02X}", c);
    }
    return fmt::format("{}?{}", uri, parameters);
}

SQLite::Database empty_database() {
    SQLite::Database db = memory_database();
    schema::migrate(db, schema::latest_version());
    return db;
}

void sync_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (!synced)
        throw runtime_failure(
            fmt::format("cannot write data file {}: {}", display(path), std::strerror(error)));
}

// Makes a whole data file at `file`, a path no other process uses, in WAL mode and at schema
// `target`; `shown` names it in messages.
void make_data_file(const std::filesystem::path& file, const std::filesystem::path& shown,
                    int target) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);  // left by a process that died
    create_private_file(file, shown);
    {
        auto db = open_database(file, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA journal_mode = WAL");
        // No one sees the file before it is in place: one sync of the whole file at the end
        // does what a sync at each step of the schema would.
        db.exec("PRAGMA synchronous = OFF");
        schema::migrate(db, target);
    }
    sync_file(file);
}

// A missing data file appears whole: it is made beside its place, then linked there. Processes
// that write to a missing file at the same moment then each find either no file or a finished
// one (not an empty file another is still setting up); the first link wins and the others use
// its file. Where the file system cannot link, the file is made in place, as a lone process
// would. True when this process made the file.
bool create_data_file(const std::filesystem::path& path, int target) {
    NewDataFile file(path);
    make_data_file(file.path(), path, target);
    try {
        return file.try_adopt();
    } catch (const Error&) {
        return create_private_file(path, path);
    }
}

// Switches a file to WAL mode. SQLite answers "busy" at once, without waiting, while another
// process switches the same file: this waits for that as a write would.
void use_wal(SQLite::Database& db) {
    constexpr int pause_ms = 5;
    for (int waited = 0;; waited += pause_ms) {
        try {
            if (db.execAndGet("PRAGMA journal_mode").getString() != "wal")
                db.exec("PRAGMA journal_mode = WAL");
            return;
        } catch (const SQLite::Exception& e) {
            if (e.getErrorCode() != SQLITE_BUSY || waited >= busy_timeout_ms) throw;
        }
        ::usleep(pause_ms * 1000);
    }
}

void copy_database(SQLite::Database& from, SQLite::Database& to) {
    sqlite3_backup* backup = sqlite3_backup_init(to.getHandle(), "main", from.getHandle(), "main");
    if (!backup) throw runtime_failure(to.getErrorMsg());
    sqlite3_backup_step(backup, -1);
    if (sqlite3_backup_finish(backup) != SQLITE_OK) throw runtime_failure(to.getErrorMsg());
}

Connection* open_for_writing(const std::filesystem::path& path, int target,
                             Store::Folders folders) {
    bool created = false;
    if (!data_file_exists(path)) {
        if (folders == Store::Folders::must_exist) require_data_folder(path);
        create_parent_folders(path);
        try {
            created = create_data_file(path, target);
        } catch (const SQLite::Exception& e) {
            throw runtime_failure(
                fmt::format("cannot create data file {}: {}", display(path), e.getErrorStr()));
        }
    } else {
        // SQLite would open a file it cannot write read-only, and fail later on.
        if (::access(path.c_str(), W_OK) != 0)
            throw runtime_failure(
                fmt::format("cannot write data file {}: {}", display(path), std::strerror(errno)));
        const auto folder = std::filesystem::absolute(path).parent_path();
        if (::access(folder.c_str(), W_OK) != 0 &&
            ::access((path.string() + "-wal").c_str(), W_OK) != 0)
            throw runtime_failure(fmt::format(
                "cannot write data file {}: its folder {} is not writable, and SQLite keeps the "
                "file's -wal and -shm files there",
                display(path), folder.string()));
        remove_abandoned_files(path);
    }
    auto db = open_database(path, SQLite::OPEN_READWRITE);
    int version = 0;
    try {
        version = checked_version(db, path);
    } catch (const SQLite::Exception& e) {
        throw unreadable(path, e);
    }
    try {
        use_wal(db);
        db.exec("PRAGMA foreign_keys = ON");
        if (version < target) schema::migrate(db, target);
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_BUSY)
            throw conflict(
                fmt::format("data file {} is busy: another process kept it locked", display(path)));
        throw runtime_failure(
            fmt::format("cannot write data file {}: {}", display(path), e.getErrorStr()));
    }
    auto* connection = new Connection(path, true, std::move(db));
    connection->version = schema::version_of(connection->db);
    connection->created = created;
    return connection;
}

// Opens a file read-only and reads its version. On a read-only file system, or in a folder
// this user cannot write, SQLite cannot make the shared-memory file that reading a WAL file
// needs; nothing can change the file there, so it is read as immutable.
std::pair<SQLite::Database, int> open_read_only(const std::filesystem::path& path) {
    try {
        auto db = open_database(path, SQLite::OPEN_READONLY);
        const int version = checked_version(db, path);
        return {std::move(db), version};
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xff;
        const auto folder = std::filesystem::absolute(path).parent_path();
        if ((code != SQLITE_CANTOPEN && code != SQLITE_READONLY) ||
            ::access(folder.c_str(), W_OK) == 0)
            throw unreadable(path, e);
    }
    try {
        auto db =
            open_database(file_uri(path, "immutable=1"), SQLite::OPEN_READONLY | SQLITE_OPEN_URI);
        const int version = checked_version(db, path);
        return {std::move(db), version};
    } catch (const SQLite::Exception& e) {
        throw unreadable(path, e);
    }
}

Connection* open_for_reading(const std::filesystem::path& path) {
    if (!data_file_exists(path))
        throw not_found(fmt::format(
            "no data file {} (check --db and FUNNEL_DB; the first `funnel opp add` creates it)",
            display(path)));
    auto [db, version] = open_read_only(path);
    if (version == 0)
        throw not_found(fmt::format("data file {} is empty (the first `funnel opp add` sets it up)",
                                    display(path)));
    if (version < schema::latest_version()) {
        // An older file is upgraded in a private copy: reading never writes.
        SQLite::Database copy = memory_database();
        copy_database(db, copy);
        schema::migrate(copy, schema::latest_version());
        db = std::move(copy);
    }
    auto* connection = new Connection(path, true, std::move(db));
    connection->version = schema::latest_version();
    return connection;
}

}  // namespace

Store::Store(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const std::filesystem::path& path, Access access, Folders folders) {
    Store store(std::unique_ptr<Connection>(
        access == Access::write ? open_for_writing(path, schema::latest_version(), folders)
                                : open_for_reading(path)));
    // The process's quarters and years are the file's (fiscal_start_of guessed them before).
    funnel::set_fiscal_start(store.fiscal_start());
    return store;
}

std::optional<int> Store::fiscal_start_of(const std::filesystem::path& path) {
    // Read as immutable: no lock taken and no -wal or -shm file made, whoever runs it. A change
    // still in the WAL is missed here; Store::open reads it.
    if (!data_file_exists(path)) return std::nullopt;
    sqlite3* db = nullptr;
    std::optional<int> month;
    if (sqlite3_open_v2(file_uri(path, "immutable=1").c_str(), &db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) == SQLITE_OK) {
        sqlite3_stmt* query = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'fiscal_start'", -1, &query,
                               nullptr) == SQLITE_OK &&
            sqlite3_step(query) == SQLITE_ROW) {
            const int value = sqlite3_column_int(query, 0);
            if (value >= 1 && value <= 12) month = value;
        }
        sqlite3_finalize(query);
    }
    sqlite3_close_v2(db);
    return month;
}

Store Store::create(const NewDataFile& file, const std::filesystem::path& target) {
    try {
        make_data_file(file.path(), target, schema::latest_version());
    } catch (const SQLite::Exception& e) {
        throw runtime_failure(
            fmt::format("cannot create data file {}: {}", display(target), e.getErrorStr()));
    }
    return Store(std::unique_ptr<Connection>(
        open_for_writing(file.path(), schema::latest_version(), Folders::must_exist)));
}

Store Store::open_at_version(const std::filesystem::path& path, int version) {
    return Store(std::unique_ptr<Connection>(open_for_writing(path, version, Folders::create)));
}

Store Store::scratch(const std::filesystem::path& path) {
    auto connection = std::make_unique<Connection>(path, false, empty_database());
    connection->version = schema::latest_version();
    return Store(std::move(connection));
}

const std::filesystem::path& Store::path() const {
    return connection_->path;
}
bool Store::on_disk() const {
    return connection_->on_disk;
}
bool Store::created_file() const {
    return connection_->created;
}
int Store::schema_version() const {
    return connection_->version;
}
int Store::latest_schema_version() {
    return schema::latest_version();
}

namespace {

// The rows this connection has written to the file.
std::int64_t file_changes(Connection& connection) {
    return sqlite3_total_changes64(connection.db.getHandle()) - connection.scratch_changes;
}

}  // namespace

Store::Transaction::Transaction(Store& store) : store_(store) {
    try {
        journal::prepare(*store_.connection_);
        store_.connection_->db.exec("BEGIN IMMEDIATE");
        changes_before_ = file_changes(*store_.connection_);
        journal::begin(*store_.connection_);
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_BUSY)
            throw conflict(fmt::format(
                "data file {} is busy: another process has been writing for over {} s; try again",
                display(store_.path()), busy_timeout_ms / 1000));
        throw runtime_failure(
            fmt::format("cannot write data file {}: {}", display(store_.path()), e.getErrorStr()));
    }
}

Store::Transaction::~Transaction() {
    if (!open_) return;
    journal::end(*store_.connection_);
    store_.connection_->db.tryExec("ROLLBACK");
}

void Store::Transaction::commit() {
    auto& connection = *store_.connection_;
    auto& db = connection.db;
    if (file_changes(connection) != changes_before_) {
        journal::finish(connection);
        db.exec(
            "INSERT INTO meta (key, value) VALUES ('state', lower(hex(randomblob(8)))) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    }
    journal::end(connection);
    db.exec("COMMIT");
    open_ = false;
}

void Store::record_changes_as(std::string command, Timestamp made_at) {
    connection_->journal.command = std::move(command);
    connection_->journal.made_at = std::move(made_at);
}

void Store::prepare_for_many_changes() {
    connection_->db.exec("PRAGMA cache_size = -16384");
}

std::string Store::calendar_id() {
    SQLite::Statement query(connection_->db, "SELECT value FROM meta WHERE key = 'calendar_id'");
    if (query.executeStep()) return query.getColumn(0).getString();
    return "funnel";
}

std::optional<std::string> Store::state_stamp() {
    SQLite::Statement query(connection_->db,
                            "SELECT (SELECT value FROM meta WHERE key = 'calendar_id'), "
                            "(SELECT value FROM meta WHERE key = 'state')");
    if (!query.executeStep() || query.getColumn(1).isNull()) return std::nullopt;
    std::string stamp = fmt::format("{}/{}/{}", query.getColumn(0).getString(),
                                    connection_->version, query.getColumn(1).getString());
    // A change that another program made (the sqlite3 shell, a copy over the file) leaves the
    // token as it was, but not the file's time and size, nor the size of its log. Reads change
    // neither.
    if (connection_->on_disk) {
        struct stat file {};
        struct stat log {};
        if (::stat(path().c_str(), &file) != 0) return std::nullopt;
        const std::string wal = path().string() + "-wal";
        const auto log_size = ::stat(wal.c_str(), &log) == 0 ? log.st_size : -1;
        stamp += fmt::format("/{}.{:09}/{}/{}", file.st_mtim.tv_sec, file.st_mtim.tv_nsec,
                             file.st_size, log_size);
    }
    return stamp;
}

void Store::backup(const std::filesystem::path& to) {
    std::error_code ignored;
    if (std::filesystem::exists(to, ignored))
        throw conflict(
            fmt::format("{} exists already: a backup never replaces a file", to.string()));
    NewDataFile file(to);
    const int fd = ::open(file.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw runtime_failure(
            fmt::format("cannot create {}: {}", file.path().string(), std::strerror(errno)));
    ::close(fd);
    {
        SQLite::Database copy(file.path(), SQLite::OPEN_READWRITE);
        sqlite3_backup* backup =
            sqlite3_backup_init(copy.getHandle(), "main", connection_->db.getHandle(), "main");
        if (!backup) throw runtime_failure(copy.getErrorMsg());
        // One step copies every page under one read transaction: a consistent copy of one
        // moment, while writers go on in the WAL.
        const int result = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (result != SQLITE_DONE)
            throw runtime_failure(
                fmt::format("cannot back up to {}: {}", to.string(), sqlite3_errstr(result)));
    }
    file.adopt();
}

}  // namespace funnel
