// file() and templatefile(): the two functions that touch the disk.
//
/// Cloud-init snippets, CA bundles and manifest templates live beside the stack file
/// that uses them, so relative paths resolve against the calling module's directory
/// (FunctionEnv::base_dir), never the process's working directory: a stack must mean
/// the same thing wherever capstan runs. Reads are capped at 16 MiB and must be UTF-8
/// text, since the result becomes a string property stored in state and plans.
/// Templates are rendered by the expression evaluator (render_template), which owns
/// the `${...}` syntax; this file only finds, reads and hands over the text.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engine/config/functions.h"

namespace capstan::functions_detail {
namespace {

constexpr std::uintmax_t kMaxFileSize = 16 * 1024 * 1024;

std::string Resolve(const Call& call, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative() && !call.env.base_dir.empty()) {
    p = std::filesystem::path(call.env.base_dir) / p;
  }
  return p.lexically_normal().string();
}

Result<std::string> ReadText(const Call& call) {
  auto path = StringArg(call, 0);
  if (!path) return path.diags();
  if (path->empty()) return ArgError(call, 0, "a non-empty path");
  std::string resolved = Resolve(call, *path);
  std::error_code ec;
  auto status = std::filesystem::status(resolved, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Fail(call, fmt::format("no file \"{}\" (resolved to {})", *path, resolved));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Fail(call, fmt::format("{} is not a regular file", resolved));
  }
  auto size = std::filesystem::file_size(resolved, ec);
  if (ec) return Fail(call, fmt::format("cannot stat {}: {}", resolved, ec.message()));
  if (size > kMaxFileSize) {
    return Fail(call, fmt::format("{} is {} bytes; the limit is {} (16 MiB)", resolved, size,
                                  kMaxFileSize));
  }
  // Read at most the limit whatever the size said: files in /proc report 0 bytes and
  // some (/proc/self/pagemap) would never end.
  std::ifstream in(resolved, std::ios::binary);
  if (!in) return Fail(call, fmt::format("cannot read {}", resolved));
  std::string content;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    content.append(buf, static_cast<size_t>(in.gcount()));
    if (content.size() > kMaxFileSize) {
      return Fail(call, fmt::format("{} is larger than the limit of {} bytes (16 MiB)", resolved,
                                    kMaxFileSize));
    }
  }
  if (in.bad()) return Fail(call, fmt::format("cannot read {}", resolved));
  if (!IsValidUtf8(content)) {
    return Fail(call, fmt::format("{} is not valid UTF-8 text", resolved));
  }
  return content;
}

Result<Value> File(const Call& call) {
  auto text = ReadText(call);
  if (!text) return text.diags();
  return Value(std::move(*text));
}

Result<Value> TemplateFile(const Call& call) {
  auto vars = MapArg(call, 1);
  if (!vars) return vars.diags();
  auto text = ReadText(call);
  if (!text) return text.diags();
  if (!call.env.render_template) {
    return Fail(call, "templates cannot be rendered here (no template renderer)");
  }
  auto rendered = call.env.render_template(*text, **vars);
  if (rendered) return rendered;
  // Say which template failed; the renderer knows only the text.
  std::string where = Resolve(call, *StringArg(call, 0));
  if (rendered.diags().empty()) return Fail(call, fmt::format("cannot render {}", where));
  Diagnostics out;
  for (Diagnostic d : rendered.diags().items()) {
    d.summary = fmt::format("{}: {}: {}", call.name, where, d.summary);
    out.Add(std::move(d));
  }
  return out;
}

constexpr Spec kFiles[] = {{"file", 1, 1, File}, {"templatefile", 2, 2, TemplateFile}};

}  // namespace

std::span<const Spec> FileFunctions() { return kFiles; }

}  // namespace capstan::functions_detail
