package i18n

// workflowMessages are the strings of review (上报 → 审核), locked years
// (封账) and the workflow settings.
var workflowMessages = map[string][2]string{
	"nav.review":    {"待审核", "Review"},
	"nav.queue":     {"%d 批待审核", "%d batches waiting for review"},
	"nav.workflow":  {"审核与封账", "Review and locks"},
	"role.reviewer": {"审核员", "reviewer"},

	"review.title":           {"待审核", "Review queue"},
	"review.intro":           {"数据专干提交的台账经审核批准后才计入统计；退回时请写明原因，专干改正后可重新提交。", "A clerk's ledger counts only once it is approved here; when sending one back, say why, so the clerk can correct it and submit again."},
	"review.empty":           {"没有待审核的批次。", "No batch is waiting for review."},
	"review.submittedby":     {"提交人", "Submitted by"},
	"review.submittedat":     {"提交时间", "Submitted"},
	"review.open":            {"审核", "Review"},
	"review.approved":        {"第 %s 批已批准，已计入统计。", "Batch %s was approved and now counts."},
	"review.rejected":        {"第 %s 批已退回，提交人会看到原因。", "Batch %s was sent back; the clerk will see why."},
	"review.back":            {"返回待审核", "Back to the review queue"},
	"review.heading":         {"审核第 %d 批", "Review batch %d"},
	"review.meta":            {"%s · 提交人 %s · %s · %s · %d 行", "%s · submitted by %s · %s · %s · %d rows"},
	"review.effects":         {"批准后的影响", "What approving it does"},
	"review.noeffect":        {"批准后各项指标都不变。", "Approving it changes no figure."},
	"review.effect":          {"批准后 %[1]d 年%[2]s%[3]s %[4]s → %[5]s", "Once approved, %[2]s's %[3]s in %[1]d: %[4]s → %[5]s"},
	"review.effect.met":      {"，达标", ", target met"},
	"review.effect.short":    {"，仍差 %d 个", ", still %d short"},
	"review.district":        {"全区", "the district"},
	"review.approve":         {"批准", "Approve"},
	"review.reason":          {"退回原因（必填）", "Reason for sending it back (required)"},
	"review.reject":          {"退回", "Send back"},
	"review.noreason":        {"退回须填写原因。", "Say why the batch is sent back."},
	"review.stale":           {"数据在您查看后已有变化，以下影响已按最新数据重新计算，请再次确认。", "The data changed since you opened this page; the effect below is computed again against them. Approve again to confirm."},
	"review.notsubmitted":    {"该批次无需审核。", "This batch needs no review."},
	"review.state.submitted": {"待审核（尚未计入）", "Waiting for review (not counted yet)"},
	"review.state.approved":  {"已批准（%s，%s）", "Approved (by %s, %s)"},
	"review.state.rejected":  {"已退回（%s，%s）：%s", "Sent back (by %s, %s): %s"},
	"review.rows":            {"%d 行", "%d rows"},
	"review.notices":         {"被退回的批次", "Batches sent back"},
	"review.notice":          {"第 %d 批于 %s 被 %s 退回，原因：%s。请改正后重新上传。", "Batch %d was sent back on %s by %s: %s. Correct it and upload it again."},
	"review.pending":         {"您有 %d 个批次被退回（最近一次：%s）", "%d of your batches were sent back (latest: %s)"},

	"rollback.notapplied": {"第 %d 批从未生效（待审核或已退回），无需撤销。", "Batch %d never took effect (waiting for review or sent back): there is nothing to roll back."},
	"lock.refused":        {"%s %d 年的数据已封账（%s，%s），不能改动；如需修改，请联系管理员解锁。", "%s's %d figures are locked (by %s, %s) and cannot change; ask an administrator to unlock them."},
}
