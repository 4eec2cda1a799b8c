// https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface PersonalAccessTokenConfig extends cdktn.TerraformMetaArguments {
  /**
  * Lifetime of the token in whole days (1–30 unless the operator changed the server's token policy). Checked against the server's token policy whenever a token is about to be created (create or replace), at plan time when the value is known then; an existing token outside a policy changed later only draws a warning (plan and destroy keep working) and fails at its next replacement. When the value is only known after apply (e.g. another resource's output), use `lifecycle { create_before_destroy = true }`: otherwise a replace revokes the old token before the new value is checked. Changing it replaces the token.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token#expiration_days PersonalAccessToken#expiration_days}
  */
  readonly expirationDays: number;
  /**
  * A label for the token, 1–100 characters (no control characters). Changing it replaces the token.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token#name PersonalAccessToken#name}
  */
  readonly name: string;
  /**
  * Days before `expires_at` at which a plan replaces the token (0–29, less than `expiration_days`). Combine with `lifecycle { create_before_destroy = true }` so the new token exists before the old one is revoked. Unset: the token is never replaced for age, and plans warn during its last 7 days.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token#rotate_before_days PersonalAccessToken#rotate_before_days}
  */
  readonly rotateBeforeDays?: number;
}

/**
* Represents a {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token tessera_personal_access_token}
*/
export class PersonalAccessToken extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "tessera_personal_access_token";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a PersonalAccessToken resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the PersonalAccessToken to import
  * @param importFromId The id of the existing PersonalAccessToken that should be imported. Refer to the {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the PersonalAccessToken to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "tessera_personal_access_token", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/tessera/tessera/latest/docs/resources/personal_access_token tessera_personal_access_token} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PersonalAccessTokenConfig
  */
  public constructor(scope: Construct, id: string, config: PersonalAccessTokenConfig) {
    super(scope, id, {
      terraformResourceType: 'tessera_personal_access_token',
      terraformGeneratorMetadata: {
        providerName: 'tessera',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._expirationDays = config.expirationDays;
    this._name = config.name;
    this._rotateBeforeDays = config.rotateBeforeDays;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // expiration_days - computed: false, optional: false, required: true
  private _expirationDays?: number; 
  public get expirationDays() {
    return this.getNumberAttribute('expiration_days');
  }
  public set expirationDays(value: number) {
    this._expirationDays = value;
  }
  // Temporarily expose input value. Use with caution.
  public get expirationDaysInput() {
    return this._expirationDays;
  }

  // expires_at - computed: true, optional: false, required: false
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // rotate_before_days - computed: false, optional: true, required: false
  private _rotateBeforeDays?: number; 
  public get rotateBeforeDays() {
    return this.getNumberAttribute('rotate_before_days');
  }
  public set rotateBeforeDays(value: number) {
    this._rotateBeforeDays = value;
  }
  public resetRotateBeforeDays() {
    this._rotateBeforeDays = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rotateBeforeDaysInput() {
    return this._rotateBeforeDays;
  }

  // token - computed: true, optional: false, required: false
  public get token() {
    return this.getStringAttribute('token');
  }

  // token_hint - computed: true, optional: false, required: false
  public get tokenHint() {
    return this.getStringAttribute('token_hint');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      expiration_days: cdktn.numberToTerraform(this._expirationDays),
      name: cdktn.stringToTerraform(this._name),
      rotate_before_days: cdktn.numberToTerraform(this._rotateBeforeDays),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      expiration_days: {
        value: cdktn.numberToHclTerraform(this._expirationDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      rotate_before_days: {
        value: cdktn.numberToHclTerraform(this._rotateBeforeDays),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
