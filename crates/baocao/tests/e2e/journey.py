"""Browser end-to-end journey in real headless Chromium (Debian's chromium + chromedriver,
driven by Selenium): a province drafter imports a Word file (reviews it, assigns a paragraph
that belongs nowhere to an item, accepts, sees the items filled after a reload), fills a
district-level merger model, an approver submits,
the BTCTW returns it with a comment, the drafter sees the comment. Along the way every page's
visible text is checked for English. Usage: journey.py BASE_URL SAMPLE_JSON ARTIFACT_DIR"""

import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.request
import zipfile

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (ARTIFACTS, BASE, PASSWORD, accept_confirm, assert_accessible, axe_checked,  # noqa: E402
                     check_axe, check_vietnamese, click, d,
                     go, login, seen_pages, wait)

SAMPLE = sys.argv[2]

def word_file(path):
    """A small Word file written by hand: two items of section A and a photo appendix that
    belongs nowhere in the outline."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def para(text, bold=False):
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'

    body = "".join([
        para("BÁO CÁO"),
        para("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN", True),
        para("I- Về công tác quán triệt, học tập, triển khai Nghị quyết, Kế hoạch, Kết luận của "
             "Trung ương; các văn bản của Quốc hội, Ủy ban Thường vụ Quốc hội, Chính phủ, Bộ Nội vụ… "
             "về thực hiện thí điểm các mô hình tổ chức mới và kiêm nhiệm chức danh", True),
        para(WORD_AI),
        para("C- PHỤ LỤC ẢNH HOẠT ĐỘNG", True),
        para(WORD_PHOTO),
    ])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>')


WORD_AI = "Ban Thường vụ Tỉnh ủy đã tổ chức hội nghị quán triệt cho cán bộ chủ chốt toàn tỉnh."
WORD_PHOTO = "Ảnh 1: Hội nghị sơ kết việc thực hiện thí điểm, tháng 6 năm 2021."


def textarea(item):
    return d.find_element(By.CSS_SELECTOR, f'textarea[name$="|{item}"]').get_attribute("value")


def on_phone(shot, keep_in_view=None):
    """The same page state at 390 px: nothing scrolls sideways, `keep_in_view` (an element) is
    on screen; a screenshot at each width. Back to 1400 px after."""
    d.save_screenshot(os.path.join(ARTIFACTS, shot + "-1366.png"))
    d.set_window_size(390, 844)
    try:
        overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{shot}: the page scrolls sideways by {overflow}px at 390 px"
        if keep_in_view is not None:
            d.execute_script("arguments[0].scrollIntoView({block: 'start'})", keep_in_view)
            seen = d.execute_script("""var r = arguments[0].getBoundingClientRect();
                return r.height > 0 && r.width <= window.innerWidth && r.bottom > 0 &&
                       r.top < window.innerHeight;""", keep_in_view)
            assert seen, f"{shot}: the element is not in view at 390 px"
        d.save_screenshot(os.path.join(ARTIFACTS, shot + "-390.png"))
    finally:
        d.set_window_size(1400, 1100)


def saved():
    wait.until(lambda d: "Đã lưu lúc" in d.find_element(By.ID, "save-status").text)


try:
    # 0. The drafter of Hà Giang imports the province's Word draft: review, assign the paragraph
    #    that belongs nowhere to an item, accept; the items are filled and stay after a reload.
    login("hagiang.soan")
    report_url = d.current_url.split("?")[0]
    rid = report_url.rstrip("/").split("/")[-1]
    docx = os.path.join(os.path.realpath(os.path.dirname(SAMPLE)), "du-thao-ha-giang.docx")
    word_file(docx)
    d.find_element(By.CSS_SELECTOR, "details.word-upload input[type=file]").send_keys(docx)
    click(d.find_element(By.CSS_SELECTOR, "details.word-upload button"))
    wait.until(lambda d: "/nhap-word/" in d.current_url)
    check_vietnamese("xem lại trước khi nhập tệp Word")
    assert WORD_AI in d.page_source, "the review shows what goes into A.I"
    photo = next(li for li in d.find_elements(By.CSS_SELECTOR, "section.unplaced li")
                 if WORD_PHOTO in li.text)
    Select(photo.find_element(By.TAG_NAME, "select")).select_by_value("A.III.2")
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-nhap-word.png"))
    click(d.find_element(By.CSS_SELECTOR, "form.import-review button.primary"))
    wait.until(lambda d: "Đã nhập nội dung từ tệp Word" in d.page_source)
    check_vietnamese("sau khi nhập tệp Word")
    for reload in (False, True):
        go(f"/bao-cao/{rid}?muc=A.I")
        if reload:
            d.refresh()
        assert textarea("A.I") == WORD_AI, textarea("A.I")
        go(f"/bao-cao/{rid}?muc=A.III")
        assert textarea("A.III.2") == WORD_PHOTO, textarea("A.III.2")
    assert "du-thao-ha-giang.docx" in d.page_source, "the file is kept with the report"

    # 1. Then the province's existing report (JSON) replaces it all, and the drafter adds a
    #    district-level merger model.
    go(f"/bao-cao/{rid}")
    d.find_element(By.CSS_SELECTOR, "details.upload summary").click()
    d.find_element(By.CSS_SELECTOR, "details.upload input[type=file]").send_keys(SAMPLE)
    d.find_element(By.CSS_SELECTOR, "details.upload button").click()
    accept_confirm()
    wait.until(lambda d: "Đã nhập nội dung từ tệp JSON" in d.page_source)
    check_vietnamese("sau khi tải lên")

    go(f"/bao-cao/{rid}?muc=B.II")
    Select(d.find_element(By.NAME, "moi_mau|B.II.2.m")).select_by_index(1)
    click(d.find_element(By.CSS_SELECTOR, 'button[value="them|B.II.2.m"]'))
    wait.until(lambda d: "#mh-" in d.current_url)
    inst = d.current_url.split("#mh-")[1]
    check_vietnamese("sau khi thêm mô hình")
    box = d.find_element(By.ID, "mh-" + inst)
    pre = f"v|{inst}|B.II.2.m."

    # 2. Pick districts (only the province's own are offered), a wrong date first.
    unit = Select(box.find_element(By.NAME, pre + "x2.dv|0|unit"))
    offered = [o.text for o in unit.options[1:]]
    assert "Huyện Đồng Văn" in offered and not any("Cao Bằng" in o for o in offered), offered
    unit.select_by_visible_text("Huyện Đồng Văn")
    box.find_element(By.NAME, pre + "x2.dv|0|qd").send_keys("Quyết định số 386-QĐ/HU ngày 24/8/2019")
    box.find_element(By.NAME, pre + "x2.dv|0|bd").send_keys("31/6/2021")
    Select(box.find_element(By.NAME, pre + "x2.dv|0|tt")).select_by_index(1)
    saved()
    key = f"{inst}|B.II.2.m.x2.dv"
    problems = f'ul.problems[data-for="{key}"] li'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, problems))
    message = d.find_element(By.CSS_SELECTOR, problems).text
    assert message.strip(), "a validation message next to the districts"
    # The calendar's message for a date typed the Vietnamese way, never the ISO form's.
    assert "tháng 6 năm 2021 chỉ có 30 ngày" in message and "ISO" not in message, message
    # The live save status announces the errors too (not only "Đã lưu lúc…"), and the table of
    # districts names its list of problems.
    status_text = d.find_element(By.ID, "save-status").text
    assert "lỗi cần sửa" in status_text, status_text
    table = box.find_element(By.CSS_SELECTOR, f'table[data-rows="{key}"]')
    described = table.get_attribute("aria-describedby")
    assert described and message.strip() in d.find_element(By.ID, described).text, described
    check_vietnamese("thông báo kiểm tra")
    # Fix it: the message goes away.
    field = box.find_element(By.NAME, pre + "x2.dv|0|bd")
    field.clear()
    field.send_keys("31/8/2019")
    saved()
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, problems))

    # 3. Everything else of the model: choices first (they show or hide what depends on them),
    #    then the texts now visible, figures (change computed live).
    docs = box.find_element(By.CSS_SELECTOR, f'div.cond[data-if="{inst}|B.II.2.m.x2.qc"]')
    assert not docs.is_displayed(), "the deciding documents wait for “có”"
    for group in box.find_elements(By.CSS_SELECTOR, "div.choices[role=radiogroup]"):
        if not group.is_displayed():
            continue
        radios = group.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        name = radios[0].get_attribute("name")
        want = {"x2.qc": "chua", "x5.dx": "3"}
        pick = next((r for r in radios if any(name.endswith(k) and r.get_attribute("value") == v
                                               for k, v in want.items())), radios[0])
        click(pick)
    only_three = box.find_element(By.CSS_SELECTOR, f'div.cond[data-if="{inst}|B.II.2.m.x5.dx"][data-values="1"]')
    assert not only_three.is_displayed(), "proposal (1)'s questions hidden when (3) is chosen"
    for ta in box.find_elements(By.TAG_NAME, "textarea"):
        if ta.is_displayed():
            ta.send_keys("Nội dung do chuyên viên nhập trong kiểm thử đầu cuối.")
    box.find_element(By.NAME, pre + "x2.ten").send_keys("Ban Tổ chức – Nội vụ huyện Đồng Văn")
    rows = box.find_elements(By.CSS_SELECTOR, "tr.figure-row")
    for row in rows:
        for cls, val in (("before", "10"), ("after", "8")):
            row.find_element(By.CSS_SELECTOR, "input." + cls).send_keys(val)
        for other in row.find_elements(By.CSS_SELECTOR, "input.num:not(.before):not(.after)"):
            other.send_keys("9")
    assert rows[0].find_element(By.CSS_SELECTOR, "td.change output").text == "-2"
    time.sleep(1)
    saved()

    # 4. Autosave persists across a reload.
    d.get(d.current_url.split("#")[0])
    box = d.find_element(By.ID, "mh-" + inst)
    assert Select(box.find_element(By.NAME, pre + "x2.dv|0|unit")).first_selected_option.text == "Huyện Đồng Văn"
    assert box.find_element(By.NAME, pre + "x2.dv|0|bd").get_attribute("value") == "31/08/2019"
    assert box.find_element(By.NAME, pre + "x2.ten").get_attribute("value") == "Ban Tổ chức – Nội vụ huyện Đồng Văn"
    first = box.find_element(By.CSS_SELECTOR, "tr.figure-row")
    assert first.find_element(By.CSS_SELECTOR, "input.before").get_attribute("value") == "10"
    assert first.find_element(By.CSS_SELECTOR, "td.change output").text == "-2"
    errors = d.find_element(By.ID, "count-errors").text
    assert errors == "0", "the report has no error left: " + errors + " " + d.find_element(By.ID, "counts").text

    # 4a. On a phone (390 px): the outline is a closed menu, nothing scrolls sideways, figure
    #     tables stack, and the field being typed stays in view above the save bar.
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-bien-tap-1366.png"))
    d.set_window_size(390, 844)
    go(f"/bao-cao/{rid}?muc=B.II")
    menu = d.find_element(By.CSS_SELECTOR, "details.outline-menu")
    assert menu.get_attribute("open") is None, "the outline is a closed menu on a phone"
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390 px"
    field = d.find_element(By.CSS_SELECTOR, "input.num.after")
    click(field)
    field.send_keys("")
    seen = d.execute_script("""
        var r = arguments[0].getBoundingClientRect();
        var bar = document.querySelector('.save-bar').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= Math.min(window.innerHeight, bar.top + 1);""", field)
    assert seen, "the field being typed is in view, not under the save bar"
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-bien-tap-390.png"))
    d.set_window_size(1400, 1100)

    # 4b. Two editors at once: the leader changes A.I (through the API) while the drafter's page
    #     shows the text it was given; the drafter's change of the same item is refused and the
    #     page puts both texts side by side. Another item saves without conflict.
    go(f"/bao-cao/{rid}?muc=A.I")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def api(method, path, body):
        req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json", "x-csrf-token": token[0]})
        with opener.open(req) as res:
            return json.loads(res.read())

    token = [""]
    token[0] = api("POST", "/api/v1/session", {"username": "hagiang.duyet", "password": PASSWORD})["csrf_token"]
    with opener.open(urllib.request.Request(BASE + f"/api/v1/reports/{rid}")) as res:
        rev = json.loads(res.read())["info"]["revision"]
    theirs = "Lãnh đạo sửa mục này cùng lúc."
    api("PATCH", f"/api/v1/reports/{rid}", {"revision": rev, "changes": [{"item": "A.I", "value": theirs}]})
    ai = d.find_element(By.CSS_SELECTOR, 'textarea[name$="|A.I"]')
    ai.send_keys(" Chuyên viên thêm một câu.")
    wait.until(lambda d: d.find_elements(By.ID, "merge-box"))
    box_text = d.find_element(By.ID, "merge-box").text
    assert theirs in box_text and "Chuyên viên thêm một câu." in box_text, box_text
    check_vietnamese("hai người sửa cùng mục")
    on_phone("e2e-hai-nguoi-sua", d.find_element(By.ID, "merge-box"))
    # Reopened, the page offers the unsaved text back; the drafter drops it and keeps the leader's.
    go(f"/bao-cao/{rid}?muc=A.I")
    offer = d.find_element(By.XPATH, "//p[contains(., 'chưa lưu được')]")
    click(offer.find_element(By.XPATH, ".//button[. = 'Bỏ']"))
    assert textarea("A.I") == theirs, textarea("A.I")

    # 4c. The session ends while typing: the page says so, keeps the text, and saves it once
    #     the drafter has logged in again in another tab.
    d.delete_cookie("baocao_phien")
    ai = d.find_element(By.CSS_SELECTOR, 'textarea[name$="|A.I"]')
    ai.send_keys(" Viết tiếp sau khi hết phiên.")
    wait.until(lambda d: "Phiên làm việc đã hết hạn" in d.find_element(By.ID, "save-status").text)
    check_vietnamese("phiên làm việc hết hạn")
    on_phone("e2e-het-phien", d.find_element(By.ID, "save-status"))
    editor_tab = d.current_window_handle
    d.switch_to.new_window("tab")
    d.get(BASE + "/dang-nhap")
    d.find_element(By.ID, "username").send_keys("hagiang.soan")
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda d: "/dang-nhap" not in d.current_url)
    d.close()
    d.switch_to.window(editor_tab)
    WebDriverWait(d, 30).until(lambda d: "Đã lưu lúc" in d.find_element(By.ID, "save-status").text)
    with opener.open(urllib.request.Request(BASE + f"/api/v1/reports/{rid}")) as res:
        stored = json.loads(res.read())["report"]["answers"]["A.I"]
    assert stored == theirs + " Viết tiếp sau khi hết phiên.", stored

    # 5. The approver submits.
    login("hagiang.duyet")
    go(f"/bao-cao/{rid}")
    click(d.find_element(By.CSS_SELECTOR, "form.submit button"))
    accept_confirm()
    wait.until(lambda d: "Đã gửi báo cáo lên Ban Tổ chức Trung ương" in d.page_source)
    check_vietnamese("sau khi gửi")

    # 6. The central reviewer returns it with a comment on one item.
    login("btctw")
    go("/tong-quan")
    d.find_element(By.LINK_TEXT, "Tỉnh Hà Giang").click()
    check_vietnamese("báo cáo ở chế độ xem")
    sel = Select(d.find_element(By.ID, "gop-y-muc"))
    target = f"B.II.2.m.x2.ten|{inst}"
    sel.select_by_value(target)
    d.find_element(By.ID, "gop-y-noi-dung").send_keys("Đề nghị ghi đúng tên cơ quan sau hợp nhất theo quyết định.")
    click(d.find_element(By.CSS_SELECTOR, "section.review form button"))
    wait.until(lambda d: "Đã ghi ý kiến" in d.page_source)
    click(d.find_element(By.CSS_SELECTOR, ".decide button.danger"))
    accept_confirm()
    wait.until(lambda d: "Đã trả lại báo cáo" in d.page_source)

    # 7. The drafter sees the comment next to the item.
    login("hagiang.soan")
    go(f"/bao-cao/{rid}?muc=B.II")
    box = d.find_element(By.ID, "mh-" + inst)
    answer = box.find_element(By.CSS_SELECTOR, f'div.answer[data-key="{inst}|B.II.2.m.x2.ten"]')
    assert "Đề nghị ghi đúng tên cơ quan" in answer.find_element(By.CSS_SELECTOR, ".comment").text
    on_phone("e2e-y-kien", answer.find_element(By.CSS_SELECTOR, ".comment"))
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", answer)
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-hanh-trinh.png"))

    # 8. A district's sheet: Bắc Quang's drafter opens the district's sheet (only the district
    #    blocks, no document particulars), writes the district's difficulties; its leader sends
    #    it to the province; the province accepts it and its rows and figures appear in the
    #    province's report with their source.
    login("bacquang.soan")
    assert "/bao-cao/" in d.current_url, d.current_url
    sheet_url = d.current_url.split("?")[0]
    sheet_id = sheet_url.rstrip("/").split("/")[-1]
    assert "Phiếu cấp huyện của Huyện Bắc Quang" in d.page_source
    nav = d.find_element(By.CSS_SELECTOR, "nav.outline").text
    assert "Thông tin văn bản" not in nav and "Về tổ chức triển khai" not in nav.lower(), nav
    go(f"/bao-cao/{sheet_id}?muc=B.II")
    units_offered = [o.text for o in Select(d.find_element(
        By.CSS_SELECTOR, 'select[name$="B.II.2.m.x2.dv|0|unit"]')).options[1:]]
    assert units_offered == ["Huyện Bắc Quang"], units_offered
    hard = d.find_element(By.CSS_SELECTOR, 'textarea[name$="|B.II.2.m.x3"]')
    hard.clear()
    hard.send_keys("Huyện Bắc Quang: cơ quan sau hợp nhất còn dùng hai con dấu.")
    saved()
    login("bacquang.duyet")
    go(f"/bao-cao/{sheet_id}")
    click(d.find_element(By.CSS_SELECTOR, "form.submit button"))
    accept_confirm()
    wait.until(lambda d: "Đã gửi phiếu lên Ban Tổ chức của tỉnh" in d.page_source)
    check_vietnamese("sau khi huyện gửi phiếu")
    login("hagiang.duyet")
    go("/huyen")
    row = d.find_element(By.CSS_SELECTOR, 'tr[data-district="034"]')
    assert "Đã gửi" in row.text, row.text
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-phieu-huyen-1366.png"))
    d.set_window_size(390, 844)
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-phieu-huyen-390.png"))
    d.set_window_size(1400, 1100)
    click(row.find_element(By.TAG_NAME, "a"))
    check_vietnamese("phiếu cấp huyện, tỉnh xem xét")
    click(d.find_element(By.CSS_SELECTOR, ".decide button.primary"))
    accept_confirm()
    wait.until(lambda d: "số liệu của phiếu đã được đưa vào báo cáo của tỉnh" in d.page_source)
    go(f"/bao-cao/{rid}?muc=B.II")
    sources = " ".join(p.text for p in d.find_elements(By.CSS_SELECTOR, "p.district-sources"))
    assert "Huyện Bắc Quang (bản 1)" in sources, sources
    material = " ".join(x.text for x in d.find_elements(By.CSS_SELECTOR, "details.district-material"))
    assert "cơ quan sau hợp nhất còn dùng hai con dấu" in material, material
    d.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                     d.find_element(By.CSS_SELECTOR, "p.district-sources"))
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-bao-cao-tong-hop-huyen.png"))

    # 9. Walk the other pages of every role.
    for user, paths in (
        ("hagiang.soan", ["/bao-cao", f"/bao-cao/{rid}/phien-ban", f"/bao-cao/{rid}/so-sanh?a=1&b=0",
                          f"/bao-cao/{rid}?muc=document", "/tong-quan", "/khong-co-trang-nay"]),
        ("btctw", ["/tong-quan", f"/bao-cao/{rid}?muc=B.I", "/tong-hop?nguon=da-gui",
                   "/tong-hop/nguon?nguon=da-gui&f=g0/t/provinces",
                   "/tong-hop/noi-dung?nguon=da-gui&q=kiem+nhiem", "/tong-hop/noi-dung?nguon=da-gui&muc=A.I"]),
        ("quantri", ["/quan-tri", "/quan-tri/nhat-ky", "/huyen?tinh=02", "/de-cuong", "/quan-tri/tin-cay",
                     "/mat-khau"]),
        ("quanba.soan", ["/phieu", "/bao-cao"]),
    ):
        login(user)
        for p in paths:
            go(p)
            # Every page on a phone too: no sideways scrolling of the page (wide lists scroll in
            # their own box, reachable by keyboard), and axe-core at that width.
            d.set_window_size(390, 844)
            try:
                overflow = d.execute_script(
                    "return document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{p} ({user}) scrolls sideways by {overflow}px at 390 px"
                check_axe(f"{p} ({user}, 390 px)")
            finally:
                d.set_window_size(1400, 1100)
    assert_accessible()
    print(f"hành trình xong; {len(seen_pages)} trang đã kiểm tra tiếng Việt, "
          f"{len(axe_checked)} lần axe-core không thấy vi phạm WCAG 2.1 A/AA")
except Exception:
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-loi.png"))
    with open(os.path.join(ARTIFACTS, "e2e-loi.html"), "w") as f:
        f.write(d.page_source)
    raise
finally:
    d.quit()
