// Shared helpers of the tool-running resource types (see tool_support.h).
#include "providers/host/tool_support.h"

namespace capstan::host {

std::string Str(const Value& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::shared_ptr<Transport>> HostOf(const Value& props) {
  auto it = props.find("host");
  auto spec = ParseHostSpec(it == props.end() ? Value() : *it, "properties.host");
  if (!spec) return spec.diags();
  return GetTransport(*spec);
}

void ValidateHost(const Value& props, Diagnostics& d) {
  auto it = props.find("host");
  if (it == props.end() || ContainsUnknown(*it)) return;
  auto spec = ParseHostSpec(*it, "properties.host");
  for (const auto& item : spec.diags().items())
    d.Error(item.summary, item.detail).key = "properties.host";
}

Result<std::unique_ptr<RemoteTempDir>> RemoteTempDir::Make(Transport& t) {
  auto ran = RunChecked(t, {{"mktemp", "-d", "-t", "capstan.XXXXXXXX"}, {}, ""}, {},
                        "creating a temporary directory");
  if (!ran) return ran.diags();
  std::string path = ran->out.substr(0, ran->out.find('\n'));
  if (path.empty() || path[0] != '/') {
    return Result<std::unique_ptr<RemoteTempDir>>::Fail(
        "mktemp -d on " + t.Name() + " printed no directory", ran->out);
  }
  return std::unique_ptr<RemoteTempDir>(new RemoteTempDir(t, path));
}

RemoteTempDir::~RemoteTempDir() { (void)t_.Run({{"rm", "-rf", path_}, {}, ""}, {}); }

Result<std::string> RemoteTempDir::Put(const std::string& name, const std::string& content) {
  std::string path = path_ + "/" + name;
  Status st = t_.Upload(path, content, 0600);
  if (st.HasErrors()) return st;
  return path;
}

Result<CommandResult> RunTool(Transport& t, const CallContext& ctx, std::vector<std::string> argv,
                              const std::string& what, const Value& env) {
  Command cmd;
  cmd.argv = std::move(argv);
  for (auto it = env.begin(); env.is_object() && it != env.end(); ++it) {
    cmd.env[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  }
  return RunChecked(t, cmd, StreamTo(ctx), what);
}

}  // namespace capstan::host
