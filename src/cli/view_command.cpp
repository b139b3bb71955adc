// SPDX-License-Identifier: MIT
/// @file `fascia view` (docs/view.md): one or two runs -> one self-contained HTML page.
#include "cli/view_command.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/read_in_child.hpp"
#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "view/page.hpp"

namespace fascia::cli {

struct ViewCommand::Options {
  std::vector<std::string> files;
  std::vector<std::string> runs;
  std::string out;
  std::string title;
  std::size_t max_frames = view::ViewOptions{}.max_frames;
};

ViewCommand::ViewCommand(CLI::App& app) : options_(std::make_shared<Options>()) {
  command_ = app.add_subcommand("view", "Write a self-contained 3-D HTML page playing one or two runs");
  command_->add_option("files", options_->files, "Output file(s) of fascia run/compare (one or two)")
      ->required()
      ->expected(1, 2);
  command_->add_option("-o,--output", options_->out, "The HTML page to write")->required();
  command_->add_option("--run", options_->runs,
                       "Run to show (repeatable: with one file, two --run show two of its runs side by side; "
                       "default: the file's first run)")
      ->allow_extra_args(false);
  command_->add_option("--max-frames", options_->max_frames, "Frames per run in the page (thinned evenly)")
      ->check(CLI::Range(2, 100000));
  command_->add_option("--title", options_->title, "Page title");
}

bool ViewCommand::parsed() const { return command_->parsed(); }

int ViewCommand::run() const {
  const auto& o = *options_;
  std::vector<view::RunRef> refs;
  if (o.runs.size() > 2) throw InputError("--run", "at most two runs fit on one page; got " + std::to_string(o.runs.size()));
  if (o.files.size() == 1) {
    if (o.runs.empty()) refs.push_back({o.files[0], ""});
    for (const auto& r : o.runs) refs.push_back({o.files[0], r});
  } else {
    if (o.runs.size() == 1) throw InputError("--run", "with two files give no --run (first runs) or one --run per file");
    for (std::size_t i = 0; i < o.files.size(); ++i) refs.push_back({o.files[i], o.runs.empty() ? "" : o.runs[i]});
  }
  for (const auto& file : o.files) {  // a damaged file that crashes or hangs libhdf5: one line (read_in_child.hpp)
    if (const auto stop = probe_in_child(file, [&file] { (void)io::read_summary(file); })) return *stop;
  }
  std::string files = o.files[0];
  if (o.files.size() == 2) files += " or " + o.files[1];
  if (const auto code = finish_in_child(files, [&o] {
        std::error_code ec;
        std::filesystem::remove(view::partial_page_path(o.out), ec);
      }))
    return *code;
  view::ViewOptions options;
  options.max_frames = o.max_frames;
  options.title = o.title;
  const auto page = view::write_view_page(refs, o.out, options);
  char size[64];
  std::snprintf(size, sizeof size, "%.2f MB (run data %.2f MB)", page.bytes / 1e6, page.data_bytes / 1e6);
  std::cout << "page:   " << page.path << ", " << size << "\n";
  for (const auto& p : page.panels) std::cout << "  " << p << "\n";
  return 0;
}

}  // namespace fascia::cli
