namespace Drover.Ingress.Config;

/// <summary>A flag with a value drover-ingress cannot use; the message names both.</summary>
public sealed class IngressOptionsException : Exception
{
    public IngressOptionsException() { }
    public IngressOptionsException(string message) : base(message) { }
    public IngressOptionsException(string message, Exception innerException) : base(message, innerException) { }
}
