using Drover.Cli.Output;

namespace Drover.Cli.Output.Tests;

public class TabWriterTests
{
    [Fact]
    public void Flush_ConsecutiveCells_AlignPerBlock()
    {
        var w = new TabWriter(0, 2);
        w.WriteLine("Name:\tx");
        w.WriteLine("Namespace:\tdefault");
        w.WriteLine("Containers:");
        w.WriteLine("  a:\t1");
        Assert.Equal("Name:       x\nNamespace:  default\nContainers:\n  a:  1\n", w.Flush());
    }

    [Fact]
    public void Flush_LastCell_IsNotPadded()
    {
        var w = new TabWriter(0, 2);
        w.WriteLine("a\tb");
        w.WriteLine("ccc\td");
        Assert.Equal("a    b\nccc  d\n", w.Flush());
    }
}
