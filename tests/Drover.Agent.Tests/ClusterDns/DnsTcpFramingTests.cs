namespace Drover.Agent.ClusterDns.Tests;

public sealed class DnsTcpFramingTests
{
    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0, 12, 1, 2, 3 })]
    public void TryRead_PartialFrame_NeedMore(byte[] buffered) =>
        Assert.Equal(DnsFrameStatus.NeedMore, DnsTcpFraming.TryRead(buffered, out _));

    [Fact]
    public void TryRead_WholeFrameAndTheNextOnesStart_FrameWithItsLength()
    {
        byte[] buffered = [0, 3, 7, 8, 9, 0];

        Assert.Equal(DnsFrameStatus.Frame, DnsTcpFraming.TryRead(buffered, out var length));
        Assert.Equal(3, length);
    }

    [Theory]
    [InlineData(0x02, 0x01)] // 513: one over the query limit
    [InlineData(0xFF, 0xFF)]
    public void TryRead_LengthOverTheQueryLimit_TooLargeBeforeItsBytesArrive(byte high, byte low) =>
        Assert.Equal(DnsFrameStatus.TooLarge, DnsTcpFraming.TryRead([high, low], out _));

    [Fact]
    public void WritePrefix_BigEndianLength()
    {
        var prefix = new byte[2];

        DnsTcpFraming.WritePrefix(prefix, 0x1234);

        Assert.Equal([0x12, 0x34], prefix);
    }
}
