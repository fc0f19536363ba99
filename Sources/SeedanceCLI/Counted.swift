/// `1 clip`, `2 clips`, `0 clips`: a count with its noun, singular only for one (output counts things of every
/// number, and "1 clips" reads wrong).
func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}
