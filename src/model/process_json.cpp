#include <google/protobuf/util/json_util.h>

#include "voronka/process.hpp"

namespace voronka {

Status parse_process_json(std::string_view json, v1::Process* out) {
  out->Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, options);
  if (!status.ok()) {
    out->Clear();
    return Status(Code::kInvalidProcess,
                  "process JSON: " + std::string(status.message()));
  }
  return Status::ok();
}

std::string process_to_json(const v1::Process& definition) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(definition, &json, options);
  return json;
}

}  // namespace voronka
