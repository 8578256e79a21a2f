using System.Text;

namespace Drover.Agent.Volumes.Tests;

public sealed class AtomicWriterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 7, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "drover-atomic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static Dictionary<string, FileProjection> Files(params (string Path, string Text, int Mode)[] files) =>
        files.ToDictionary(f => f.Path, f => new FileProjection(Encoding.UTF8.GetBytes(f.Text), f.Mode), StringComparer.Ordinal);

    private string Read(string path) => File.ReadAllText(Path.Combine(_dir, path));

    private string DataTarget() => new FileInfo(Path.Combine(_dir, AtomicWriter.DataDirName)).LinkTarget!;

    [Fact]
    public void Write_FirstTime_VisibleNamesAreLinksThroughData()
    {
        var changed = AtomicWriter.Write(_dir, Files(("app.yaml", "mode: edge", 420), ("conf/inner.txt", "x", 256)), T0);

        Assert.True(changed);
        Assert.Equal("mode: edge", Read("app.yaml"));
        Assert.Equal("x", Read("conf/inner.txt"));
        Assert.Equal("..data/app.yaml", new FileInfo(Path.Combine(_dir, "app.yaml")).LinkTarget);
        Assert.Equal("..data/conf", new FileInfo(Path.Combine(_dir, "conf")).LinkTarget);
        Assert.StartsWith("..2026_12_05_07_00_00.", DataTarget(), StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)256, File.GetUnixFileMode(Path.Combine(_dir, "conf/inner.txt")));
        Assert.Equal((UnixFileMode)420, File.GetUnixFileMode(Path.Combine(_dir, "app.yaml")));
    }

    [Fact]
    public void Write_SameContent_NothingWritten()
    {
        AtomicWriter.Write(_dir, Files(("a", "1", 420)), T0);
        var first = DataTarget();

        var changed = AtomicWriter.Write(_dir, Files(("a", "1", 420)), T0.AddSeconds(10));

        Assert.False(changed);
        Assert.Equal(first, DataTarget());
    }

    [Fact]
    public void Write_Update_DataSwappedOldDirectoryAndStaleNamesGone()
    {
        AtomicWriter.Write(_dir, Files(("a", "1", 420), ("gone", "g", 420)), T0);
        var first = DataTarget();
        // A reader that opened the old file keeps reading the old content (the swap replaces a link, not the file).
        using var open = File.OpenRead(Path.Combine(_dir, "a"));

        var changed = AtomicWriter.Write(_dir, Files(("a", "2", 420), ("new", "n", 420)), T0.AddSeconds(10));

        Assert.True(changed);
        Assert.NotEqual(first, DataTarget());
        Assert.Equal("2", Read("a"));
        Assert.Equal("n", Read("new"));
        Assert.False(File.Exists(Path.Combine(_dir, "gone")));
        Assert.Null(new FileInfo(Path.Combine(_dir, "gone")).LinkTarget);
        Assert.False(Directory.Exists(Path.Combine(_dir, first)));
        Assert.Equal(
            new[] { AtomicWriter.DataDirName, DataTarget(), "a", "new" }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal('1', (char)open.ReadByte());
    }

    [Fact]
    public void Write_ModeChangedOnly_Rewritten()
    {
        AtomicWriter.Write(_dir, Files(("a", "1", 420)), T0);

        Assert.True(AtomicWriter.Write(_dir, Files(("a", "1", 256)), T0));
        Assert.Equal((UnixFileMode)256, File.GetUnixFileMode(Path.Combine(_dir, "a")));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("..data")]
    public void Write_PathLeavingTheDirectory_Refused(string path)
    {
        Assert.Throws<VolumeException>(() => AtomicWriter.Write(_dir, Files((path, "x", 420)), T0));
        Assert.False(File.Exists("/tmp/x"));
    }

    [Fact]
    public void Write_Empty_OnlyTheDataLink()
    {
        AtomicWriter.Write(_dir, Files(("a", "1", 420)), T0);

        AtomicWriter.Write(_dir, Files(), T0.AddSeconds(1));

        Assert.Equal(new[] { AtomicWriter.DataDirName, DataTarget() }.Order(StringComparer.Ordinal), Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
