//! Names that name no site: the words templates, editors and menus put where a name goes, and a
//! section's name by what the section does. Shared by the reading of a page's link home and brand element and by the
//! classification of its names.

/// Words templates leave where a name goes, the titles HTML editors give a new page (Dreamweaver's
/// 无标题文档 / Untitled Document, Visual Studio's 无标题页, FrontPage's 新建网页 1: dev c692), the sections
/// every company site has (a heading 新闻中心 over a news list, dev c692; an app's APP下载 page, dev c132), alt texts of a logo that say
/// only that it is one, the status words of an error or maintenance page's title, and what a link home says when
/// it says only that, which version of the site it leads to or what the browser should do with it (设为首页,
/// 加入收藏; dev c1688): none names a site.
/// Folded (lower case, no white space), as they are compared.
const GENERIC_NAMES: [&str; 63] = [
    // A page's controls: a menu button, a language switch, a search box (a header's brand element holding one, the thirty-second
    // session's review).
    "menu",
    "togglenavigation",
    "navigation",
    "菜单",
    "导航",
    "search",
    "en",
    "cn",
    "中文",
    "简体",
    "繁体",
    "首页",
    "返回首页",
    "网站首页",
    "回到首页",
    "返回主页",
    "设为首页",
    "加入收藏",
    "收藏本站",
    "homepage",
    "english",
    "电脑版",
    "手机版",
    "pc版",
    "触屏版",
    "移动版",
    "桌面版",
    "官网",
    "官方网站",
    "app下载",
    "下载中心",
    "客户端下载",
    "新闻中心",
    "新闻动态",
    "新闻资讯",
    "产品中心",
    "关于我们",
    "联系我们",
    "无标题文档",
    "untitleddocument",
    "无标题页",
    "无标题",
    "新建网页1",
    "newpage1",
    "document",
    "home",
    "index",
    "网站名称",
    "主页",
    "welcome",
    "untitled",
    "logo",
    "logoimage",
    "image",
    "图片",
    "系统维护",
    "系统维护中",
    "网站维护",
    "网站维护中",
    "提示信息",
    "页面不存在",
    "notfound",
    "error",
];

/// What a section page is called by what it does for the visitor (联系方式, 就诊指南, 图片介绍, 司机招募: a site's
/// contact, guide, gallery or recruiting page, dev c1078, c148, c1058, c896; a shop's 支付帮助, dev c1332), or by
/// the kind of page a template makes (商品详情页, 文章详情页, dev c1364, c1486), or its questions, messages and
/// details (常见问题, 请您留言, 收费详细: dev c1562, c1688, c1672), or a step of an order (确认订单, dev c2396, a campus
/// clinic's booking): a name this short that ends so is the section's, not the site's.
const SECTION_FUNCTIONS: [&str; 18] = [
    "介绍",
    "指南",
    "方式",
    "招募",
    "简介",
    "概况",
    "须知",
    "流程",
    "列表",
    "详情",
    "帮助",
    "说明",
    "详情页",
    "列表页",
    "问题",
    "留言",
    "详细",
    "订单",
];
const SECTION_NAME_MAX_CHARS: usize = 6;

/// A folded name made only of generic words ("logo图片", "homeindex": dev c652's logo alt), or a section's name by
/// its function.
pub(crate) fn is_generic_name(key: &str) -> bool {
    if key.chars().count() <= SECTION_NAME_MAX_CHARS && SECTION_FUNCTIONS.iter().any(|f| key.ends_with(f)) {
        return true;
    }
    let mut rest = key;
    while let Some(after) = GENERIC_NAMES.iter().find_map(|g| rest.strip_prefix(g)) {
        if after.is_empty() {
            return true;
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_made_only_of_generic_words_names_nothing() {
        assert!(is_generic_name("logo图片"));
        assert!(is_generic_name("无标题文档"));
        assert!(is_generic_name("新闻中心"));
        assert!(!is_generic_name("某某大学新闻中心"));
        assert!(!is_generic_name("logo设计网"));
        assert!(!is_generic_name("某某首页"));
        // A template's page kind and the words for a site's home (dev c1486, c1680).
        assert!(is_generic_name("文章详情页"));
        assert!(is_generic_name("官网首页"));
        assert!(!is_generic_name("青禾官网"));
        assert!(is_generic_name("常见问题"));
        assert!(is_generic_name("收费详细"));
        // A section page named by what it does for the visitor; a longer name that ends so is a site's.
        assert!(is_generic_name("联系方式"));
        assert!(is_generic_name("就诊指南"));
        assert!(!is_generic_name("某某市旅游指南"));
        // A step of an order (dev c2396).
        assert!(is_generic_name("确认订单"));
        assert!(!is_generic_name("某某订单管理平台"));
    }
}
