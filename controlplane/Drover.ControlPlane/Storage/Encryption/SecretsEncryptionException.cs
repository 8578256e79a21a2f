using Drover.Store;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>A key file that cannot be used, or a stored Secret that the keys cannot open: droverd refuses to start rather than serve it.</summary>
public sealed class SecretsEncryptionException : StoreException
{
    public SecretsEncryptionException()
    {
    }

    public SecretsEncryptionException(string message)
        : base(message)
    {
    }

    public SecretsEncryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
