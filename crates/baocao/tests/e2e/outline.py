"""Browser end-to-end of the outline editor (issue 15) in real headless Chromium (Debian's
chromium + chromedriver, driven by Selenium): the administrator uploads an outline written as
text, changes an item's type, sees the check's problem beside the item, fixes it, publishes the
outline, opens a round with the published version; a province's drafter fills one item of it.
Every page's visible text is checked for English, as journey.py does.
Usage: outline.py BASE_URL WORK_DIR ARTIFACT_DIR"""

import os
import re
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, WORK, ARTIFACTS = sys.argv[1], sys.argv[2], sys.argv[3]
PASSWORD = "demo2021"

opts = webdriver.ChromeOptions()
opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for a in ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
          "--disable-background-networking --disable-component-update --disable-sync "
          "--window-size=1400,1100 --lang=vi").split():
    opts.add_argument(a)
d = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=opts)
d.set_page_load_timeout(60)
wait = WebDriverWait(d, 20)

# ---- no English on any page a user sees (the check of journey.py) ----
ONSET = r"(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
SYLLABLE = re.compile(r"^" + ONSET + r"[aeiouy]{1,3}(ch|ng|nh|c|m|n|p|t)?$", re.I)
# English words that also have the shape of a Vietnamese syllable without marks.
ENGLISH_SHAPED = {"the", "not", "on", "at", "he", "we", "me", "go", "yes", "up", "it"}
ALLOWED = {"demo", "hagiang", "caobang", "hanoi", "quantri", "btctw", "soan", "duyet", "docx", "pdf", "json",
           "bacquang", "quanba", "bacme",
           "word",  # "tệp Word": the product's name
           "txt", "toml",  # the kinds of outline files the page takes
           "cv"}  # "245-cv-btctw-2024": the outline's id, from its dispatch's number
# The words of the administrative units' own names (Chư Prông, KBang, Pleiku…): the admin page
# lists the districts.
UNITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../data/dvhc-2021")
for f in ("provinces-2021.csv", "districts-2021.csv"):
    with open(os.path.join(UNITS, f), encoding="utf-8") as fh:
        for row in fh.read().splitlines()[1:]:
            ALLOWED.update(w.lower() for w in re.findall(r"[A-Za-zÀ-ỹĐđ]+", row))
seen_pages = set()


def check_vietnamese(where):
    text = d.execute_script("return document.body.innerText")
    bad = []
    for w in re.findall(r"[A-Za-zÀ-ỹĐđ]+", text):
        if not w.isascii() or w.isupper() or w.lower() in ALLOWED or len(w) == 1:
            continue  # marked Vietnamese, an acronym (HĐND, BC, TW), a demo name, a) b) c)
        if SYLLABLE.match(w) and w.lower() not in ENGLISH_SHAPED:
            continue
        bad.append(w)
    assert not bad, f"{where}: English or unknown words on the page: {sorted(set(bad))[:20]}"
    seen_pages.add(where)


def go(path):
    d.get(BASE + path)
    check_vietnamese(path)


def login(user):
    d.delete_all_cookies()
    go("/dang-nhap")
    d.find_element(By.ID, "username").send_keys(user)
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda d: "/dang-nhap" not in d.current_url)
    check_vietnamese("sau khi đăng nhập: " + user)


def click(el):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def item(node):
    return d.find_element(By.ID, "n-" + node)


OUTLINE = """ĐỀ CƯƠNG BÁO CÁO
Kết quả thực hiện tinh giản biên chế giai đoạn 2022 - 2026
(Kèm theo Công văn số 245 - CV/BTCTW, ngày 15/3/2024 của Ban Tổ chức Trung ương)
Kính gửi: Ban Tổ chức Trung ương
Số liệu báo cáo tính đến ngày 31/12/2023.
Thực hiện Công văn số 245-CV/BTCTW, Ban Thường vụ tỉnh ủy (thành ủy)… báo cáo như sau:
A- CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO
I- Việc ban hành văn bản lãnh đạo, chỉ đạo thực hiện tinh giản biên chế
II- Công tác tuyên truyền, quán triệt (nếu có)
B- KẾT QUẢ THỰC HIỆN
I- Kết quả tinh giản biên chế ở các cơ quan
1- Cơ quan, đơn vị cấp tỉnh
1.1- Về tinh giản biên chế tại cơ quan…:
1.1.1- Số liệu biên chế
- Biên chế của cơ quan, đơn vị
| STT | Nội dung | Trước tinh giản | Sau tinh giản |
| --- | --- | --- | --- |
| 1 | Biên chế được giao | 10 | 8 |
| 2 | Số người làm việc | 12 | 9 |
1.1.2- Đánh giá
- Thuận lợi, khó khăn trong quá trình thực hiện
1.2- Về tinh giản biên chế tại cơ quan…:
…
II- Số người đã tinh giản
- Tổng số người đã tinh giản trong năm
C- ĐỀ XUẤT, KIẾN NGHỊ
"""

try:
    # 1. The administrator uploads the outline (text).
    login("quantri")
    go("/de-cuong")
    path = os.path.join(os.path.realpath(WORK), "de-cuong-tinh-gian.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(OUTLINE)
    d.find_element(By.ID, "dc-tep").send_keys(path)
    click(d.find_element(By.CSS_SELECTOR, "form[action='/de-cuong/nhap'] button"))
    wait.until(lambda d: re.search(r"/de-cuong/\d+", d.current_url))
    check_vietnamese("bản nháp đề cương")
    draft = d.current_url.split("?")[0]
    assert "Đề cương không có lỗi" in d.page_source, "the imported outline passes the check"

    # 2. An item's type changed to a choice without options: the check's problem beside it,
    #    and publishing is not offered.
    Select(item("A.II").find_element(By.NAME, "kieu")).select_by_value("choice")
    click(item("A.II").find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: "tb=luu" in d.current_url)
    check_vietnamese("sau khi đổi loại câu trả lời")
    problem = item("A.II").find_element(By.CSS_SELECTOR, "ul.problems li").text
    assert "mục lựa chọn không có phương án nào" in problem, problem
    assert not d.find_element(By.ID, "nut-cong-bo").is_enabled(), "no publishing with errors"
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-de-cuong-loi.png"))

    # 3. Fixed by giving the options: the problem goes away.
    options = item("A.II").find_element(By.NAME, "lua_chon")
    options.send_keys("Đã tổ chức\nChưa tổ chức")
    click(item("A.II").find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: "Đề cương không có lỗi" in d.page_source)
    check_vietnamese("sau khi sửa lỗi")
    assert not item("A.II").find_elements(By.CSS_SELECTOR, "ul.problems li")

    # 4. Publish: version 1.
    click(d.find_element(By.ID, "nut-cong-bo"))
    wait.until(lambda d: "/de-cuong/phien-ban/" in d.current_url)
    check_vietnamese("phiên bản đã công bố")
    version = d.find_element(By.ID, "ma-phien-ban").text
    assert version.endswith("@1"), version
    for view in ("/xem", "/bieu-mau"):
        go(d.current_url.split("?")[0].replace(BASE, "") + view)

    # 5. A round with it.
    go("/quan-tri")
    form = d.find_element(By.CSS_SELECTOR, "form[action='/quan-tri/dot']")
    form.find_element(By.ID, "dot-ten").send_keys("Báo cáo tinh giản biên chế năm 2023")
    Select(form.find_element(By.ID, "dot-dc")).select_by_value(version)
    form.find_element(By.ID, "dot-han").send_keys("30/6/2099")
    form.find_element(By.ID, "dot-chot").send_keys("31/12/2023")
    click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait.until(lambda d: "Báo cáo tinh giản biên chế năm 2023" in d.page_source)
    check_vietnamese("sau khi mở đợt")

    # 6. Hà Giang's drafter fills the changed item in the new round's report.
    login("hagiang.soan")
    report = d.current_url.split("?")[0]
    assert re.search(r"/bao-cao/\d+$", report), report
    go(report.replace(BASE, "") + "?muc=A.II")
    assert "Công tác tuyên truyền, quán triệt" in d.page_source
    radio = d.find_element(By.CSS_SELECTOR, "input[type=radio][name$='|A.II'][value='da-to-chuc']")
    click(radio)
    click(d.find_element(By.XPATH, "//button[@type='submit' and normalize-space()='Lưu']"))
    wait.until(lambda d: "Đã lưu" in d.page_source)
    go(report.replace(BASE, "") + "?muc=A.II")
    radio = d.find_element(By.CSS_SELECTOR, "input[type=radio][name$='|A.II'][value='da-to-chuc']")
    assert radio.is_selected(), "the answer is kept"
    d.save_screenshot(os.path.join(ARTIFACTS, "e2e-de-cuong.png"))
    print(f"ok: {len(seen_pages)} pages checked")
finally:
    d.quit()
