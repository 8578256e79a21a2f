namespace Drover.Agent.Volumes;

/// <summary>One file of a configMap, secret, downwardAPI or projected volume: its bytes and its permission bits.</summary>
internal sealed record FileProjection(byte[] Data, int Mode)
{
    public bool SameAs(FileProjection other) => Mode == other.Mode && Data.AsSpan().SequenceEqual(other.Data);
}
