// local.file: a file on this machine, written atomically, read back for drift.
//
/// The file is the source of truth: Read returns what is on disk now (content, mode and
/// its sha256), so an edit made outside capstan shows up as drift instead of being
/// silently overwritten on the next apply. Writes go to a temporary file in the same
/// directory, are fsync'ed and renamed over the target, so a reader (or a crash) never
/// sees half a file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/hash.h"
#include "providers/attr_builder.h"
#include "providers/local/local_provider.h"

namespace capstan {
namespace {

namespace fs = std::filesystem;

ResourceSchema FileSchema() {
  ResourceSchema s;
  s.type = "local.file";
  s.description =
      "A file on the machine running capstan, written atomically. Out-of-band edits show "
      "as drift.";
  s.attributes = {
      Attr("path",
           "Path of the file; relative paths are resolved against the working directory. "
           "Parent directories are created.")
          .Required()
          .ForceNew(),
      Attr("content", "Content of the file. Exactly one of content and sensitive_content.")
          .Optional(),
      Attr("sensitive_content", "Content of the file, never displayed and encrypted in state.")
          .Optional()
          .Sensitive(),
      Attr("mode", "Permission bits in octal, e.g. \"0600\".").Optional().Default("0644"),
      Attr("sha256", "Lowercase hex sha256 of the content.").Computed(),
  };
  return s;
}

bool IsSet(const Value& props, const char* key) {
  return props.contains(key) && !props[key].is_null();
}

/// Parses "0644"/"644"/"755" into permission bits.
std::optional<mode_t> ParseMode(const Value& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 4) return std::nullopt;
  mode_t m = 0;
  for (char c : s) {
    if (c < '0' || c > '7') return std::nullopt;
    m = m * 8 + static_cast<mode_t>(c - '0');
  }
  return m;
}

std::string FormatMode(mode_t m) {
  char buf[8];
  snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

std::string AbsolutePath(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? fs::path(p) : abs).lexically_normal().string();
}

/// The content field a props/attributes object uses ("content" unless sensitive_content).
const char* ContentKey(const Value& attrs) {
  return IsSet(attrs, "sensitive_content") ? "sensitive_content" : "content";
}

Status WriteAtomically(const std::string& path, const std::string& data, mode_t mode) {
  Status st;
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) {
    st.Error("cannot create directory " + target.parent_path().string(), ec.message());
    return st;
  }
  std::string tmp =
      (target.parent_path() / ("." + target.filename().string() + ".capstan-" + RandomHex(6)))
          .string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    st.Error("cannot write " + path, std::string("open ") + tmp + ": " + strerror(errno));
    return st;
  }
  auto fail = [&](const char* what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    st.Error("cannot write " + path, std::string(what) + ": " + strerror(e));
    return st;
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return fail("write");
    done += static_cast<size_t>(w);
  }
  if (::fchmod(fd, mode) != 0) return fail("chmod");
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    st.Error("cannot write " + path, std::string("close: ") + strerror(e));
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    st.Error("cannot write " + path, std::string("rename: ") + strerror(e));
    return st;
  }
  // Make the rename itself durable.
  int dfd = ::open(target.parent_path().empty() ? "." : target.parent_path().c_str(),
                   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return st;
}

class LocalFile : public ResourceType {
 public:
  const ResourceSchema& schema() const override { return schema_; }

  Diagnostics Validate(const Value& props) const override {
    Diagnostics d;
    bool plain = IsSet(props, "content"), secret = IsSet(props, "sensitive_content");
    if (plain == secret) {
      d.Error("local.file needs exactly one of content and sensitive_content",
              plain ? "Both are set." : "Neither is set.")
          .key = "properties.content";
    }
    if (IsSet(props, "mode") && !IsUnknown(props["mode"]) && !ParseMode(props["mode"])) {
      d.Error("mode of local.file must be an octal string such as \"0644\"",
              "Got " + RenderValue(props["mode"]) + ".")
          .key = "properties.mode";
    }
    if (IsSet(props, "path") && props["path"].is_string() &&
        props["path"].get_ref<const std::string&>().empty()) {
      d.Error("path of local.file must not be empty").key = "properties.path";
    }
    return d;
  }

  Value PlanAttributes(const Value& props, const ObjectState* prior) const override {
    Value planned = ResourceType::PlanAttributes(props, prior);
    const Value& content = planned.value(ContentKey(planned), Value());
    planned["sha256"] =
        content.is_string() ? Value(Sha256Hex(content.get<std::string>())) : Unknown();
    return planned;
  }

  Result<std::optional<ObjectState>> Read(const CallContext& /*ctx*/,
                                          const ObjectState& prior) override {
    std::string path = prior.id;
    if (path.empty() && prior.attributes.contains("path")) {
      path = AbsolutePath(prior.attributes["path"].get<std::string>());
    }
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectState>();
      return Result<std::optional<ObjectState>>::Fail("cannot read " + path, strerror(errno));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return Result<std::optional<ObjectState>>::Fail("cannot read " + path, strerror(errno));
    }
    ObjectState now;
    now.id = path;
    const Value& pa = prior.attributes;
    now.attributes["path"] = pa.contains("path") ? pa["path"] : Value(path);
    std::string content = buf.str();
    now.attributes[ContentKey(pa)] = content;
    mode_t actual = sb.st_mode & 07777;
    auto prior_mode = pa.contains("mode") ? ParseMode(pa["mode"]) : std::nullopt;
    // Keep the user's spelling ("644" vs "0644") when the bits agree.
    now.attributes["mode"] =
        prior_mode && *prior_mode == actual ? pa["mode"] : Value(FormatMode(actual));
    now.attributes["sha256"] = Sha256Hex(content);
    return std::optional<ObjectState>(std::move(now));
  }

  Result<ObjectState> Create(const CallContext& /*ctx*/, const Value& props) override {
    return Write(props);
  }

  Result<ObjectState> Update(const CallContext& /*ctx*/, const ObjectState& /*prior*/,
                             const Value& props) override {
    return Write(props);
  }

  Status Delete(const CallContext& /*ctx*/, const ObjectState& prior) override {
    Status st;
    if (::unlink(prior.id.c_str()) != 0 && errno != ENOENT) {
      st.Error("cannot delete " + prior.id, strerror(errno));
    }
    return st;
  }

 private:
  Result<ObjectState> Write(const Value& raw) {
    Value props = ApplyDefaults(schema_, raw);
    Diagnostics d = Validate(props);
    if (d.HasErrors()) return d;
    if (!props["path"].is_string()) return Result<ObjectState>::Fail("path must be a string");
    const char* key = ContentKey(props);
    if (!props[key].is_string()) {
      return Result<ObjectState>::Fail(std::string(key) + " must be a string");
    }
    std::string path = AbsolutePath(props["path"].get<std::string>());
    const std::string& content = props[key].get_ref<const std::string&>();
    Status st = WriteAtomically(path, content, *ParseMode(props["mode"]));
    if (st.HasErrors()) return st;
    ObjectState out;
    out.id = path;
    out.attributes = props;
    out.attributes["sha256"] = Sha256Hex(content);
    return out;
  }

  ResourceSchema schema_ = FileSchema();
};

}  // namespace

std::unique_ptr<ResourceType> NewLocalFileType() { return std::make_unique<LocalFile>(); }

}  // namespace capstan
