#include "WebPage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tracegate {
namespace {

class WebPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() /
        ("tracegate-webpage-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html>";
    std::ofstream(root_ / "assets" / "index-1.js") << "let x;";
    std::ofstream(root_ / "assets" / ".hidden") << "no";
    std::ofstream(root_ / "secret.txt") << "no";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(WebPageTest, TheRootIsIndexHtmlAndNeverCachedForGood) {
  WebPage page(root_.string());
  auto file = page.find({});
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, "<!doctype html>");
  EXPECT_EQ(file->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(file->immutable);
}

TEST_F(WebPageTest, AssetsAreServedWithTheirTypeAndCachedForGood) {
  WebPage page(root_.string());
  auto file = page.find({"assets", "index-1.js"});
  ASSERT_TRUE(file);
  EXPECT_EQ(file->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(file->immutable);
}

TEST_F(WebPageTest, NothingOutsideIndexAndAssetsIsServed) {
  WebPage page(root_.string());
  EXPECT_FALSE(page.find({"secret.txt"}));
  EXPECT_FALSE(page.find({"assets", ".hidden"}));
  EXPECT_FALSE(page.find({"assets", "missing.js"}));
}

TEST(WebPage, WithoutARootThereIsNoPage) {
  EXPECT_FALSE(WebPage("").find({}));
}

}  // namespace
}  // namespace tracegate
