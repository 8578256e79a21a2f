namespace Drover.Ingress.Tls;

/// <summary>A Secret named by an ingress's spec.tls that cannot be served.</summary>
public sealed class TlsSecretException : Exception
{
    public TlsSecretException() { }
    public TlsSecretException(string message) : base(message) { }
    public TlsSecretException(string message, Exception innerException) : base(message, innerException) { }
}
