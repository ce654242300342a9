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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (ARTIFACTS, BASE, PASSWORD, assert_accessible, axe_checked, check_vietnamese,  # noqa: E402
                     click, d, go, login,
                     seen_pages, wait)

WORK = sys.argv[2]

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
    assert_accessible()
    print(f"ok: {len(seen_pages)} pages checked, {len(axe_checked)} by axe-core")
finally:
    d.quit()
