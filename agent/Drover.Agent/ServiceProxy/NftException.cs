namespace Drover.Agent.ServiceProxy;

/// <summary>nft refused a transaction or could not be run (nothing of that transaction is in the kernel: nft -f is atomic).</summary>
public sealed class NftException : Exception
{
    public NftException() { }
    public NftException(string message) : base(message) { }
    public NftException(string message, Exception inner) : base(message, inner) { }
}
