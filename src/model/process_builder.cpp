#include "voronka/process.hpp"

namespace voronka {

ProcessBuilder::ProcessBuilder(std::string key, v1::Process::Mode mode) {
  definition_.set_key(std::move(key));
  definition_.set_mode(mode);
}

v1::Stage* ProcessBuilder::last_stage() {
  // Attribute calls before any stage() start an unnamed stage, which
  // compiling then reports as an empty key.
  if (definition_.stages_size() == 0) definition_.add_stages();
  return definition_.mutable_stages(definition_.stages_size() - 1);
}

ProcessBuilder& ProcessBuilder::name(std::string name) {
  definition_.set_name(std::move(name));
  return *this;
}

ProcessBuilder& ProcessBuilder::require_primary_demand(bool required) {
  definition_.set_require_primary_demand(required);
  return *this;
}

ProcessBuilder& ProcessBuilder::stage(std::string key, std::string name) {
  auto* stage = definition_.add_stages();
  stage->set_key(std::move(key));
  stage->set_name(std::move(name));
  return *this;
}

ProcessBuilder& ProcessBuilder::probability(double p) {
  last_stage()->set_probability(p);
  return *this;
}

ProcessBuilder& ProcessBuilder::sla_days(uint32_t days) {
  last_stage()->mutable_sla()->set_days(days);
  return *this;
}

ProcessBuilder& ProcessBuilder::sla_hours(uint32_t hours) {
  last_stage()->mutable_sla()->set_hours(hours);
  return *this;
}

ProcessBuilder& ProcessBuilder::sla_business_days(uint32_t days) {
  last_stage()->mutable_sla()->set_business_days(days);
  return *this;
}

ProcessBuilder& ProcessBuilder::rotting_days(uint32_t days) {
  last_stage()->mutable_rotting()->set_days(days);
  return *this;
}

ProcessBuilder& ProcessBuilder::owner_role(std::string role) {
  last_stage()->set_owner_role(std::move(role));
  return *this;
}

ProcessBuilder& ProcessBuilder::required_field(std::string field) {
  last_stage()->add_required_fields(std::move(field));
  return *this;
}

ProcessBuilder& ProcessBuilder::transition(std::string from, std::string to) {
  auto* transition = definition_.add_transitions();
  transition->set_from(std::move(from));
  transition->set_to(std::move(to));
  return *this;
}

ProcessBuilder& ProcessBuilder::lost_reasons(
    std::initializer_list<std::string_view> reasons) {
  for (auto reason : reasons) definition_.add_lost_reasons(std::string(reason));
  return *this;
}

ProcessBuilder& ProcessBuilder::holiday(std::string date) {
  definition_.add_holidays(std::move(date));
  return *this;
}

Status ProcessBuilder::build(std::shared_ptr<const Process>* out) const {
  return Process::compile(definition_, out);
}

}  // namespace voronka
