package dev.meshoperator.injection;

/** Injection could not be carried out; the message says why and is meant for users. */
public class InjectionException extends RuntimeException {

  public InjectionException(String message) {
    super(message);
  }

  public InjectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
