package dev.meshoperator.certs;

/** PEM or DER input that cannot be used: malformed, of the wrong type, encrypted or mismatched. */
public class InvalidPemException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidPemException(String message) {
    super(message);
  }

  public InvalidPemException(String message, Throwable cause) {
    super(message, cause);
  }
}
