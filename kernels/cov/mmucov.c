// SPDX-License-Identifier: GPL-2.0
/*
 * mmucov.ko: KVM code coverage on a kernel without CONFIG_KCOV.
 *
 * Debian's 6.1 kernel has no KCOV, so mmufuzz builds KVM's modules with
 * -fsanitize-coverage=trace-pc and this module supplies the callback the
 * compiler inserts in every basic block.  It must be loaded before kvm.ko
 * (kvm.ko's modinfo names it as a dependency).  The ABI is mmucov.h.
 *
 * The callback runs in every context KVM code runs in: with IRQs off,
 * preemption off, under mmu_lock, in NMI (kvm's perf callbacks).  So it
 * takes no lock, allocates nothing and touches only two globals before
 * deciding that a call is not for it.  This file itself is compiled
 * without the coverage flag (its Kbuild adds none).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mmucov.h"

struct mmucov {
	unsigned long *area;	/* vmalloc_user, size words */
	unsigned long size;
	bool enabled;		/* this fd's area is the one being filled */
};

/*
 * The one registered task and its area.  Written under mmucov_lock (by
 * ioctl/release), read locklessly by the callback.  ENABLE publishes
 * area and size before the task pointer, and the task is cleared before
 * the area may go away, so a callback that sees its own task sees a
 * live area.
 */
static struct task_struct *mmucov_task;
static unsigned long *mmucov_area;
static unsigned long mmucov_size;
static DEFINE_MUTEX(mmucov_lock);

/*
 * The only writer of the area is the registered task in task context
 * (interrupts taken on its CPU are filtered by in_task(), and a task
 * runs on one CPU at a time), so a plain read-increment-write of area[0]
 * cannot lose or tear an update: the index needs no atomic instruction.
 * Interrupt-context KVM code (timer callbacks, IRQ exits' handlers) is
 * not recorded: it would make the PCs of one program depend on when the
 * host's interrupts came.
 */
void notrace __sanitizer_cov_trace_pc(void)
{
	unsigned long ip = _RET_IP_;
	unsigned long *area, pos;

	if (likely(READ_ONCE(mmucov_task) != current) || !in_task())
		return;
	area = READ_ONCE(mmucov_area);
	pos = READ_ONCE(area[0]) + 1;
	if (likely(pos < READ_ONCE(mmucov_size)))
		area[pos] = ip;
	/* Past the end the count still grows: area[0] - (size - 1) were dropped. */
	WRITE_ONCE(area[0], pos);
}
EXPORT_SYMBOL(__sanitizer_cov_trace_pc);

/* Unregister (caller holds mmucov_lock and c is the enabled fd). */
static void mmucov_unregister(struct mmucov *c)
{
	struct task_struct *t = mmucov_task;

	WRITE_ONCE(mmucov_task, NULL);
	c->enabled = false;
	/*
	 * The registered task may be in the callback right now, preempted
	 * between its task compare and its store (only when another
	 * thread closes the fd).  Tasks RCU waits until every task has
	 * voluntarily scheduled, i.e. left any callback.
	 */
	if (t != current)
		synchronize_rcu_tasks();
	put_task_struct(t);
}

static int mmucov_open(struct inode *inode, struct file *file)
{
	struct mmucov *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	file->private_data = c;
	return nonseekable_open(inode, file);
}

static int mmucov_release(struct inode *inode, struct file *file)
{
	struct mmucov *c = file->private_data;

	mutex_lock(&mmucov_lock);
	if (c->enabled)
		mmucov_unregister(c);
	mutex_unlock(&mmucov_lock);
	vfree(c->area);
	kfree(c);
	return 0;
}

static long mmucov_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mmucov *c = file->private_data;
	unsigned long *area;
	long ret = 0;

	mutex_lock(&mmucov_lock);
	switch (cmd) {
	case MMUCOV_INIT_TRACE:
		if (c->area) {
			ret = -EBUSY;
			break;
		}
		if (arg < 2 || arg > MMUCOV_MAX_WORDS) {
			ret = -EINVAL;
			break;
		}
		/* Unlocked vmalloc would be nicer; INIT happens once per fd. */
		area = vmalloc_user(arg * sizeof(unsigned long));
		if (!area) {
			ret = -ENOMEM;
			break;
		}
		c->area = area;
		c->size = arg;
		break;
	case MMUCOV_ENABLE:
		if (!c->area) {
			ret = -ENXIO;
			break;
		}
		if (mmucov_task) {
			ret = -EBUSY;
			break;
		}
		get_task_struct(current);
		WRITE_ONCE(mmucov_area, c->area);
		WRITE_ONCE(mmucov_size, c->size);
		/* The callback runs only in current, after this store in program order. */
		WRITE_ONCE(mmucov_task, current);
		c->enabled = true;
		break;
	case MMUCOV_DISABLE:
		if (!c->enabled || mmucov_task != current) {
			ret = -EINVAL;
			break;
		}
		mmucov_unregister(c);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&mmucov_lock);
	return ret;
}

static int mmucov_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmucov *c = file->private_data;
	int ret = -EINVAL;

	mutex_lock(&mmucov_lock);
	if (c->area && vma->vm_pgoff == 0 &&
	    vma->vm_end - vma->vm_start == PAGE_ALIGN(c->size * sizeof(unsigned long)))
		ret = remap_vmalloc_range(vma, c->area, 0);
	mutex_unlock(&mmucov_lock);
	return ret;
}

static const struct file_operations mmucov_fops = {
	.owner		= THIS_MODULE,
	.open		= mmucov_open,
	.release	= mmucov_release,
	.unlocked_ioctl	= mmucov_ioctl,
	.compat_ioctl	= mmucov_ioctl,
	.mmap		= mmucov_mmap,
	.llseek		= no_llseek,
};

static struct miscdevice mmucov_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "mmucov",
	.fops	= &mmucov_fops,
	.mode	= 0600,
};

static int __init mmucov_init(void)
{
	return misc_register(&mmucov_dev);
}

static void __exit mmucov_exit(void)
{
	misc_deregister(&mmucov_dev);
}

module_init(mmucov_init);
module_exit(mmucov_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmufuzz: trace-pc coverage of the registered task for KVM modules built with -fsanitize-coverage=trace-pc");
