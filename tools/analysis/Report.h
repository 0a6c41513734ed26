#pragma once
#include <cstdio>
#include <string>

#include "CallFilter.h"
#include "Profile.h"
#include "TraceReader.h"

namespace tg::analysis {

// What `tracectl report` (and scripts/parse-trace) make of one trace.
struct ReportRequest {
  std::string input = "-";
  CallFilter filter;
  bool profile = false;
  Profile::SortKey sort = Profile::SortKey::kTotal;
  std::uint64_t min_count = 0;
  std::string csv_path;  // "-" is standard output
  std::string folded_path;
  std::string flamegraph_path;
  std::string chrome_path;
  bool summary = false;  // one line of counts on stderr at the end
};

bool wants_analysis(const ReportRequest& request);

// Prints the trace's lines that the filter keeps (header lines always), unchanged: the text
// is already the guest's formatter's.
bool print_filtered_text(TraceReader& reader, const CallFilter& filter, std::FILE* out,
                         std::string& error);

// Runs the analysis once over the input and writes every output asked for.
bool run_report(const ReportRequest& request, std::FILE* out, std::string& error);

}  // namespace tg::analysis
