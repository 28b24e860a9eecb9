// SPDX-License-Identifier: GPL-2.0
/*
 * poke_race: flip a static key many times while another CPU runs the code
 * that the flips patch, as "sched_clock: Marking stable" flips
 * __sched_clock_stable once at boot while other CPUs run sched_clock_cpu().
 *
 * text_poke_bp() makes a flip safe on hardware: it plants an int3 on the
 * site, syncs every CPU, writes the tail, syncs, writes the first byte,
 * syncs.  A CPU that meets the int3 while the patch is under way has it
 * emulated; after the last sync no CPU can meet it.  A CPU that still
 * executes the int3 after the patch is done dies with "int3: 0000": the
 * boot Oops of issue 22, point 8.  Whatever executes a stale copy of
 * patched code, the kernel cannot help it: it did what the architecture
 * asks.
 *
 * Loading runs it: a reader thread on one CPU runs the site in a loop, a
 * writer thread on another flips the key @flips times; then it prints
 * "poke_race: F flips done, reader on CPU R ran L loops (on O)" and stays
 * loaded.  Not part of the product: an experiment (scripts/poke-race.sh).
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jump_label.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>

static unsigned int flips = 20000;
module_param(flips, uint, 0444);
MODULE_PARM_DESC(flips, "how many times the key is flipped (default 20000)");
static unsigned int gap_ns;
module_param(gap_ns, uint, 0444);
MODULE_PARM_DESC(gap_ns, "the reader waits up to this long between visits (default 0)");

static DEFINE_STATIC_KEY_FALSE(poke_key);
static unsigned long loops, loops_on;
static DECLARE_COMPLETION(writer_done);

/* The patched site, in a function of its own: a small translation. */
static noinline void visit_site(void)
{
	if (static_branch_unlikely(&poke_key))
		WRITE_ONCE(loops_on, loops_on + 1);
	WRITE_ONCE(loops, loops + 1);
}

/*
 * With @gap_ns, the visits come at random times rather than back to
 * back, so that a visit can fall anywhere in a flip.
 */
static int reader_fn(void *unused)
{
	while (!kthread_should_stop()) {
		visit_site();
		if (gap_ns)
			ndelay(get_random_u32() % gap_ns);
		if (!(loops & 0xfff))
			cond_resched();
	}
	return 0;
}

static int writer_fn(void *unused)
{
	unsigned int i;

	for (i = 0; i < flips; i++) {
		if (i & 1)
			static_branch_disable(&poke_key);
		else
			static_branch_enable(&poke_key);
		if (!(i & 0xff))
			cond_resched();
	}
	complete(&writer_done);
	return 0;
}

static int __init poke_race_init(void)
{
	struct task_struct *reader, *writer;
	unsigned int rcpu, wcpu;

	if (num_online_cpus() < 2) {
		pr_err("poke_race: needs two online CPUs\n");
		return -ENODEV;
	}
	wcpu = cpumask_first(cpu_online_mask);
	rcpu = cpumask_next(wcpu, cpu_online_mask);
	reader = kthread_create(reader_fn, NULL, "poke_reader");
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	writer = kthread_create(writer_fn, NULL, "poke_writer");
	if (IS_ERR(writer)) {
		kthread_stop(reader);
		return PTR_ERR(writer);
	}
	kthread_bind(reader, rcpu);
	kthread_bind(writer, wcpu);
	wake_up_process(reader);
	wake_up_process(writer);
	wait_for_completion(&writer_done);
	kthread_stop(reader);
	static_branch_disable(&poke_key);
	pr_info("poke_race: %u flips done, reader on CPU %u ran %lu loops (on %lu), gap %u ns\n",
		flips, rcpu, READ_ONCE(loops), READ_ONCE(loops_on), gap_ns);
	return 0;
}

static void __exit poke_race_exit(void)
{
}

module_init(poke_race_init);
module_exit(poke_race_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("flip a static key under a reader on another CPU");
