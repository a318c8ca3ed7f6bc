use super::*;

const LIMITS: Limits = Limits { max_bytes: 64 * 1024, max_depth: 8, max_elements: 512 };

fn exact(s: &str) -> Result<Fields, XmlError> {
    parse(s, Shape { root: Root { name: "xml", any_case: false }, limits: LIMITS, span_of: None })
}

fn any_case(s: &str) -> Result<Fields, XmlError> {
    parse(s, Shape { root: Root { name: "XML", any_case: true }, limits: LIMITS, span_of: None })
}

#[test]
fn reads_cdata_text_groups_and_repeated_items() {
    let f = exact(
        "<?xml version=\"1.0\"?><xml><A><![CDATA[x < y]]></A><B>12</B>\
         <G><H>in</H><L><item><P>1</P></item><item><P>2</P></item></L></G><E/></xml>",
    )
    .unwrap();
    assert_eq!(f.get("A"), Some("x < y"));
    assert_eq!(f.get("B"), Some("12"));
    assert_eq!(f.number("B"), Ok(12));
    assert_eq!(f.get("G/H"), Some("in"));
    assert_eq!(f.all("G/L/item/P").collect::<Vec<_>>(), vec!["1", "2"]);
    assert_eq!(f.get("E"), Some(""), "an empty element is present with empty text");
    assert_eq!(f.require("Z"), Err(XmlError::MissingField("Z")));
    assert_eq!(f.number("A"), Err(XmlError::BadNumber { field: "A", value: "x < y".into() }));
}

#[test]
fn the_root_is_compared_exactly_or_in_any_case_as_asked() {
    assert!(any_case("<xml><A>1</A></xml>").is_ok());
    assert!(any_case("<XML><A>1</A></XML>").is_ok());
    assert_eq!(
        exact("<XML><A>1</A></XML>"),
        Err(XmlError::WrongRoot { found: "XML".into(), expected: "xml" }),
        "WeChat's root is <xml>, exactly"
    );
}

#[test]
fn whitespace_around_cdata_is_layout_but_cdata_is_kept_verbatim() {
    // WeChat's official sample writes `<MsgType>  <![CDATA[video]]></MsgType>`.
    let f = exact("<xml><MsgType>  <![CDATA[video]]></MsgType><C><![CDATA[ two  spaces ]]></C></xml>").unwrap();
    assert_eq!(f.get("MsgType"), Some("video"));
    assert_eq!(f.get("C"), Some(" two  spaces "));
}

#[test]
fn references_resolve_and_spaces_between_them_are_kept() {
    let f = exact("<xml><A>a&amp;b&lt;&#x4e2d;&#25991;</A></xml>").unwrap();
    assert_eq!(f.get("A"), Some("a&b<中文"));
    // A plain-mode text of "<< >>" or "a & & b", escaped rather than in CDATA.
    let f = exact("<xml><A>&lt;&lt; &gt;&gt;</A><B>a &amp; &amp; b</B><C>&amp; </C><D> &#x41;</D></xml>").unwrap();
    assert_eq!(f.get("A"), Some("<< >>"));
    assert_eq!(f.get("B"), Some("a & & b"));
    assert_eq!(f.get("C"), Some("& "));
    assert_eq!(f.get("D"), Some(" A"));
}

#[test]
fn doctype_and_unknown_entities_are_refused() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
                <xml><Content>&b;</Content></xml>";
    assert_eq!(exact(bomb), Err(XmlError::DocType));
    assert_eq!(exact("<xml><A>&xxe;</A></xml>"), Err(XmlError::UnknownEntity("xxe".into())));
}

#[test]
fn size_depth_floods_and_structure_are_bounded() {
    let big = format!("<xml><A>{}</A></xml>", "a".repeat(LIMITS.max_bytes));
    assert!(matches!(exact(&big), Err(XmlError::TooLarge { .. })));
    let deep = format!("<xml>{}{}</xml>", "<a>".repeat(20), "</a>".repeat(20));
    assert_eq!(exact(&deep), Err(XmlError::TooDeep { max: 8 }));
    let many = format!("<xml>{}</xml>", "<a/>".repeat(LIMITS.max_elements + 1));
    assert_eq!(exact(&many), Err(XmlError::TooManyElements { max: 512 }));
    assert_eq!(exact(""), Err(XmlError::Empty));
    assert!(matches!(exact("<xml><A>1</B></xml>"), Err(XmlError::Malformed(_))));
    assert!(matches!(exact("<xml><A>1</A>"), Err(XmlError::Malformed(_))));
    assert!(matches!(exact("<xml></xml><xml></xml>"), Err(XmlError::Malformed(_))));
    assert!(matches!(exact("x<xml></xml>"), Err(XmlError::Malformed(_))));
    let shape = Shape { root: Root { name: "xml", any_case: false }, limits: LIMITS, span_of: None };
    assert_eq!(parse_bytes(b"<xml>\xff</xml>", shape), Err(XmlError::NotUtf8));
}

#[test]
fn notes_the_raw_span_of_a_child_and_the_declared_encoding() {
    let doc = "<?xml version=\"1.0\" encoding=\"GBK\"?><alipay><response><success>true</success><x>a&amp;b</x></response><sign>s</sign></alipay>";
    let shape = Shape { root: Root { name: "alipay", any_case: true }, limits: LIMITS, span_of: Some("response") };
    let f = parse(doc, shape).unwrap();
    assert_eq!(&doc[f.span.clone().unwrap()], "<success>true</success><x>a&amp;b</x>");
    assert_eq!(f.encoding.as_deref(), Some("GBK"));
    assert_eq!(f.get("response/x"), Some("a&b"));
    assert_eq!(f.get("sign"), Some("s"));
}

#[test]
fn the_writers_cannot_be_broken_out_of() {
    let mut out = String::from("<xml>");
    push_cdata(&mut out, "Content", "a]]><Evil/>b");
    push_text(&mut out, "T", "<&>");
    out.push_str("</xml>");
    let f = exact(&out).unwrap();
    assert_eq!(f.get("Content"), Some("a]]><Evil/>b"), "the value round-trips unchanged");
    assert_eq!(f.get("T"), Some("<&>"));
    assert_eq!(f.get("Evil"), None, "no element was injected");
}
