#include <fmt/format.h>

#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

std::vector<Stage> StageStore::all() {
    SQLite::Statement query(connection_->db,
                            "SELECT id, name, label, position, probability, category, state, "
                            "stale_days FROM stage ORDER BY position, id");
    std::vector<Stage> stages;
    while (query.executeStep()) {
        Stage stage;
        stage.id = query.getColumn(0).getInt64();
        stage.name = query.getColumn(1).getString();
        stage.label = query.getColumn(2).getString();
        stage.position = query.getColumn(3).getInt();
        stage.probability = query.getColumn(4).getInt();
        stage.category = parse_forecast_category(query.getColumn(5).getString());
        stage.state = parse_stage_state(query.getColumn(6).getString());
        stage.stale_days = query.getColumn(7).getInt();
        stages.push_back(std::move(stage));
    }
    return stages;
}

namespace {
const sql::RecordKind stage_kind{
    "stage", {"name", "label", "position", "probability", "category", "state", "stale_days"}};

int bind_stage(SQLite::Statement& statement, const Stage& stage) {
    statement.bind(1, stage.name);
    statement.bind(2, stage.label);
    statement.bind(3, stage.position);
    statement.bind(4, stage.probability);
    statement.bind(5, std::string(to_string(stage.category)));
    statement.bind(6, std::string(to_string(stage.state)));
    statement.bind(7, stage.stale_days);
    return 8;
}
}  // namespace

std::int64_t StageStore::insert(const Stage& stage) {
    return sql::insert_record(connection_->db, stage_kind, stage, bind_stage);
}

void StageStore::update(const Stage& stage) {
    sql::update_record(connection_->db, stage_kind, stage, bind_stage);
}

void StageStore::remove(std::int64_t id) {
    sql::delete_record(connection_->db, "stage", id);
}

void StageStore::reorder(const std::vector<std::int64_t>& ids_in_order) {
    SQLite::Statement update(connection_->db, "UPDATE stage SET position = ? WHERE id = ?");
    int position = 1;
    for (auto id : ids_in_order) {
        update.bind(1, position++);
        update.bind(2, id);
        update.exec();
        update.reset();
    }
}

bool StageStore::ever_used(std::int64_t id) {
    SQLite::Statement query(connection_->db, R"sql(
SELECT EXISTS (SELECT 1 FROM opportunity WHERE stage_id = ?1)
    OR EXISTS (SELECT 1 FROM opportunity_history
               WHERE field = 'stage' AND (new_value = CAST(?1 AS TEXT)))
    OR EXISTS (SELECT 1 FROM opportunity_history
               WHERE field = 'stage' AND (old_value = CAST(?1 AS TEXT))))sql");
    query.bind(1, id);
    query.executeStep();
    return query.getColumn(0).getInt() != 0;
}

}  // namespace funnel
