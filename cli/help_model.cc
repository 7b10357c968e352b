// The command tree of the CLI11 app as plain data (see help_model.h).
#include "cli/help_model.h"

namespace capstan::cli {
namespace {

/// "TEXT:{dot,json}" -> type "TEXT", values {"dot", "json"}.
void SplitTypeName(const std::string& full, OptionInfo& o) {
  const size_t colon = full.find(':');
  o.type_name = full.substr(0, colon);
  const size_t open = full.find('{');
  const size_t close = full.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return;
  std::string item;
  for (size_t i = open + 1; i < close; ++i) {
    if (full[i] == ',') {
      o.values.push_back(item);
      item.clear();
    } else {
      item += full[i];
    }
  }
  if (!item.empty()) o.values.push_back(item);
}

}  // namespace

CommandInfo DescribeApp(const CLI::App& app) {
  CommandInfo c;
  c.name = app.get_parent() == nullptr ? "" : app.get_name();
  c.description = app.get_description();
  c.footer = app.get_footer();
  for (const CLI::Option* opt : app.get_options()) {
    OptionInfo o;
    o.positional = !opt->nonpositional();
    if (o.positional) {
      o.names.push_back(opt->get_name(/*positional=*/true));
    } else {
      for (const std::string& s : opt->get_snames()) o.names.push_back("-" + s);
      for (const std::string& l : opt->get_lnames()) o.names.push_back("--" + l);
    }
    o.takes_value = opt->get_items_expected_max() != 0;
    if (o.takes_value) SplitTypeName(opt->get_type_name(), o);
    o.description = opt->get_description();
    c.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;  // hidden
    c.subcommands.push_back(DescribeApp(*sub));
  }
  return c;
}

}  // namespace capstan::cli
