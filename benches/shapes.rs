//! Hostile page shapes within the 5 MiB body cap, shared by the extraction bench and the
//! `hostile_shapes` example (which times them one by one).

/// The body cap (`fetch::DEFAULT_MAX_BODY`) less a little room for the closing markup.
const CAP: usize = 5 * 1024 * 1024 - 64;

fn fill(head: &str, unit: &str, tail: &str) -> String {
    let n = (CAP - head.len() - tail.len()) / unit.len();
    let mut s = String::with_capacity(CAP);
    s.push_str(head);
    for _ in 0..n {
        s.push_str(unit);
    }
    s.push_str(tail);
    s
}

/// (name, page) for every shape; each page is at most 5 MiB.
pub fn all() -> Vec<(&'static str, String)> {
    let nested = format!("<body>{}x{}</body>", "<div>".repeat(200_000), "</div>".repeat(200_000));
    let mut numbered = String::from("<body>");
    let mut i = 0u64;
    while numbered.len() < CAP - 200 {
        numbered.push_str(&format!(
            "<a href='https://beian.miit.gov.cn/'>京ICP备{:08}号-{}</a> 京公网安备{:014}号 ",
            10_000_000 + i,
            i % 9,
            11_010_502_000_000 + i
        ));
        i += 1;
    }
    numbered.push_str("</body>");
    let mut copyrights = String::from("<body><footer>");
    let mut j = 0u64;
    while copyrights.len() < CAP - 200 {
        copyrights.push_str(&format!("<p>© 2024 示例{j}科技有限公司 版权所有</p>"));
        j += 1;
    }
    copyrights.push_str("</footer></body>");
    vec![
        ("nested_div_200k", nested),
        ("nested_div_cap", fill("<body>", "<div>", "x</body>")),
        ("nested_span_cap", fill("<body>", "<span>", "x</body>")),
        ("nested_b_cap", fill("<body>", "<b>", "x</body>")),
        ("nested_font_p", fill("<body>", "<font><p>", "x</body>")),
        ("nested_table_cap", fill("<body>", "<table><tr><td>", "x</body>")),
        ("nested_a_cap", fill("<body>", "<a href=/x>", "x</body>")),
        ("links_and_numbers", numbered),
        ("flat_anchors", fill("<body>", "<a href='/n'>新闻</a>", "</body>")),
        ("icp_fragments", fill("<body><footer>", "京ICP备", "</footer></body>")),
        ("icp_fragments_spaced", fill("<body><footer>", "京 ICP 备 1 ", "</footer></body>")),
        ("bei_run", fill("<body><footer>", "备", "</footer></body>")),
        ("psb_fragments", fill("<body><footer>", "公网安备", "</footer></body>")),
        ("digits", fill("<body><footer>京ICP备", "1", "号</footer></body>")),
        ("digits_spaced", fill("<body><footer>", "1 ", "</footer></body>")),
        ("digit_elements", fill("<body><footer>", "<i>1</i>", "</footer></body>")),
        ("giant_attribute", fill("<body><div class='", "foot ", "'>京ICP备12345678号</div></body>")),
        ("giant_href", fill("<body><a href='javascript:", "location ", "'>京ICP备12345678号</a></body>")),
        ("copyright_lines", copyrights),
        ("copyright_one_block", fill("<body><footer>", "版权所有 © 示例公司 ", "</footer></body>")),
        ("giant_text_node", fill("<body><p>", "示例文字内容", "</p></body>")),
        ("many_scripts", fill("<body>", "<script src=/a.js></script>", "</body>")),
        ("many_blocks", fill("<body>", "<p>字</p>", "</body>")),
        ("many_headings", fill("<body>", "<h1>标题</h1>", "</body>")),
        ("unclosed_p_li", fill("<body><ul>", "<li><p>项目", "</ul></body>")),
        ("many_imgs_logo", fill("<body>", "<div class=logo><img alt=x></div>", "</body>")),
        ("template_openers", fill("<body><p>", "<% {{a}} ", "</p></body>")),
        ("comments", fill("<body>", "<!-- 京ICP备12345678号 -->", "</body>")),
        // Found by fuzzing: every title part was a name candidate, compared with every other.
        ("title_of_many_parts", fill("<head><title>", "栏目|", "</title></head><body>x</body>")),
    ]
}
