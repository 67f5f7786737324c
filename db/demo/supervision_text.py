"""The words of the demo 督办: subject, progress report and final report per node, and the
command center's closing remarks."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeWords:
    subject: str  # 督办事项
    progress: str  # a 反馈 that reports work under way
    done: str  # a 反馈 that reports the node finished


NODE_WORDS: dict[str, NodeWords] = {
    "notice": NodeWords("执行通知书超期未发出", "已联系被执行人，执行通知书定于本周内直接送达",
                        "已向被执行人送达执行通知书，送达回证已入卷"),
    "property_order": NodeWords("报告财产令超期未发出", "报告财产令已制作，正在安排送达",
                                "已送达报告财产令，被执行人已申报财产"),
    "investigation": NodeWords("财产调查超期未完成", "网络查控已反馈，线下调查不动产、车辆正在进行",
                               "已完成网络查控与线下调查，调查结果已入卷"),
    "reference_price": NodeWords("查封财产超期未启动确定参考价", "已通知当事人议价，议价不成将网络询价",
                                 "已委托网络询价，询价报告已送达当事人"),
    "sale": NodeWords("参考价确定后超期未启动变价", "拍卖公告已拟好，待合议庭审核后挂拍",
                      "已在网络司法拍卖平台挂拍，公告期 15 日"),
    "preservation_action": NodeWords("保全裁定超期未实施", "已向登记机关发出协助执行通知书",
                                     "保全查封、冻结已全部实施，回执已入卷"),
    "disbursement": NodeWords("案款到账超 30 日未发放", "已联系申请执行人核实收款账户，待其提交身份材料",
                              "案款已发放至申请执行人账户，发放凭证已上传"),
    "renewal": NodeWords("查封冻结即将到期，尽快办理续封续冻", "续封续冻文书已制作，待送协助执行单位",
                         "已办理续封续冻，协助执行回执已入卷"),
    "term": NodeWords("执行期限已届满，督促尽快结案", "已约谈申请执行人，拟于本月内以执行完毕或终本结案",
                      "已约谈双方当事人并制作笔录，结案审批已提交"),
    "objection": NodeWords("执行异议超 15 日未审查完毕", "已组成合议庭，听证定于下周进行",
                           "异议裁定已作出并送达当事人"),
}
FALLBACK = NodeWords("流程节点超期未完成", "正在办理，预计一周内完成", "已办理完毕，材料已入卷")

CASE_SUBJECT = "执行期限届满未结案，督促制定结案计划"
CASE_ANSWER = "已约谈申请执行人，被执行人名下财产正在评估，拟拍卖后结案"
OFFICER_SUBJECT = "名下超期未完成节点集中，请逐件说明原因并限期办理"
OFFICER_ANSWER = "已逐件列出超期节点及原因，案款发放 3 笔已完成，其余本周内完成"
TEAM_SUBJECT = "团队续封续冻临期案件集中，请一周内集中办理"

CLOSE_ON_TIME = ("反馈属实，同意办结", "已核实办理材料，办结", "经核查已办理到位，办结")
CLOSE_LATE = "逾期反馈，已计入团队考核；办理结果属实，同意办结"
SEND_BACK = "反馈未附办理凭证，请补充后重新反馈"
