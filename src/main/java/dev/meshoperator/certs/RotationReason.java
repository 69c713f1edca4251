package dev.meshoperator.certs;

/** Why a reconciliation changed certificate data; suitable for events and log messages. */
public enum RotationReason {
  /** There was no usable CA: created one (first install, or the data was missing or corrupt). */
  CA_CREATED,
  /** The CA (or mesh root) reached its renewal window and was replaced. */
  CA_RENEWAL_DUE,
  /** The leaf (or intermediate) was missing, unreadable or its key did not match. */
  LEAF_INVALID,
  /** The leaf (or intermediate) reached its renewal window. */
  LEAF_RENEWAL_DUE,
  /** The wanted subject alternative names differ from the leaf's. */
  LEAF_NAMES_CHANGED,
  /** The leaf (or intermediate) was not signed by the current CA (or root). */
  LEAF_NOT_SIGNED_BY_CA,
  /** The published trust bundle changed: a CA was added, dropped after expiry, or re-encoded. */
  BUNDLE_UPDATED,
  /** Stored PEM was re-encoded into canonical form (e.g. a legacy key rewritten as PKCS#8). */
  REENCODED
}
